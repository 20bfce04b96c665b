package dev.brine.torch;

import java.util.Objects;

/**
 * A {@code torch.device} value found in a checkpoint, such as {@code torch.device('cuda', 0)}.
 * Brine only carries it: it reads and writes it back, and places no tensor on it.
 *
 * @param type the device type: {@code "cpu"}, {@code "cuda"}, {@code "meta"}, ...
 * @param index the device index, or {@code null} when none was given
 */
public record TorchDevice(String type, Long index) {
    /** The CPU device, {@code torch.device('cpu')}. */
    public static final TorchDevice CPU = new TorchDevice("cpu", null);

    /** Checks the parts. */
    public TorchDevice {
        Objects.requireNonNull(type, "type");
    }

    /** {@code "cpu"} or {@code "cuda:0"}, as {@code str(device)} prints it. */
    @Override
    public String toString() {
        return index == null ? type : type + ":" + index;
    }
}
