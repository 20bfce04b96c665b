package dev.brine.torch;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.Reduction;
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

    /** How torch pickles it: {@code torch.device(type)} or {@code torch.device(type, index)}. */
    public Reduction reduction() {
        return index == null ? Reduction.call(TorchGlobals.DEVICE, type) : Reduction.call(TorchGlobals.DEVICE, type, index);
    }

    /**
     * {@code registry} able to write devices too, as {@link #reduction()}: for a plain pickle or a model
     * archive of what a checkpoint held (a checkpoint's own writer writes them already).
     */
    public static ClassRegistry writable(ClassRegistry registry) {
        return registry.toBuilder().registerWriter(TorchDevice.class, TorchDevice::reduction).build();
    }

    /** {@code "cpu"} or {@code "cuda:0"}, as {@code str(device)} prints it. */
    public String str() {
        return index == null ? type : type + ":" + index;
    }

    /**
     * {@code device(type='cpu')} or {@code device(type='cuda', index=0)}, as {@code repr(device)} prints it: a
     * loaded value's {@code toString} is its Python repr, as for {@link TorchSize} and numpy's values, so that
     * {@code PythonRepr.repr} of a checkpoint prints what Python does.
     */
    @Override
    public String toString() {
        return "device(type=" + dev.brine.py.PythonRepr.repr(type) + (index == null ? "" : ", index=" + index) + ")";
    }
}
