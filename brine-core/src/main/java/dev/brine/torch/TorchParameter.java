package dev.brine.torch;

import dev.brine.ndarray.NDArray;
import java.util.Objects;

/**
 * A {@code torch.nn.Parameter} read with {@link TorchOptions.Builder#keepParameters(boolean)}: its
 * tensor's values and whether it requires grad, so that a save writes it back as a Parameter, as
 * {@code torch.save} writes one ({@code torch._utils._rebuild_parameter(data, requires_grad, OrderedDict())}).
 * A whole model saved with {@code torch.save(model)} holds its weights as Parameters; written back as
 * plain tensors, torch would load a module whose {@code parameters()} are tensors that do not require
 * grad, which an optimizer cannot train.
 *
 * <p>A Parameter's Python attributes ({@code p.note = 'x'}, which torch saves with
 * {@code _rebuild_parameter_with_state}) are dropped, as a tensor's are: they may name any class, and
 * Brine keeps only what a tensor is. Equal to another {@code TorchParameter} of equal data and flag.
 * Without {@code keepParameters} a Parameter reads as its {@link NDArray}, as before.
 *
 * @param data the values ({@code param.data})
 * @param requiresGrad {@code param.requires_grad}
 */
public record TorchParameter(NDArray data, boolean requiresGrad) {
    /** Checks that there is data. */
    public TorchParameter {
        Objects.requireNonNull(data, "data");
    }

    /** {@code torch.nn.Parameter(data, requires_grad)}. */
    public static TorchParameter of(NDArray data, boolean requiresGrad) {
        return new TorchParameter(data, requiresGrad);
    }

    /** The constructor call, {@code Parameter(<data>)} or {@code Parameter(<data>, requires_grad=False)}. */
    @Override
    public String toString() {
        return "Parameter(" + data + (requiresGrad ? "" : ", requires_grad=False") + ")";
    }
}
