package dev.brine.torch;

import dev.brine.ndarray.NDArray;
import java.util.Objects;

/**
 * A {@code torch.nn.Parameter} read with {@link TorchOptions.Builder#keepParameters(boolean)}: its
 * tensor's values, whether it requires grad, and the Python attributes it carried, so that a save
 * writes it back as a Parameter, as {@code torch.save} writes one
 * ({@code torch._utils._rebuild_parameter(data, requires_grad, OrderedDict())}, or
 * {@code _rebuild_parameter_with_state} with the attributes). A whole model saved with
 * {@code torch.save(model)} holds its weights as Parameters; written back as plain tensors, torch
 * would load a module whose {@code parameters()} are tensors that do not require grad, which an
 * optimizer cannot train.
 *
 * <p>Equal to another {@code TorchParameter} of equal data, flag and state. Without
 * {@code keepParameters} a Parameter reads as its {@link NDArray}, as before.
 *
 * @param data the values ({@code param.data})
 * @param requiresGrad {@code param.requires_grad}
 * @param state the Parameter's Python attributes ({@code param.__dict__}, as torch pickles them, usually a
 *     {@code Map}), or {@code null} for none: then written with {@code _rebuild_parameter}, as torch
 *     writes a Parameter without attributes
 */
public record TorchParameter(NDArray data, boolean requiresGrad, Object state) {
    /** Checks that there is data. */
    public TorchParameter {
        Objects.requireNonNull(data, "data");
    }

    /** {@code torch.nn.Parameter(data, requires_grad)}, with no attributes. */
    public static TorchParameter of(NDArray data, boolean requiresGrad) {
        return new TorchParameter(data, requiresGrad, null);
    }

    /** The constructor call, {@code Parameter(<data>)} or {@code Parameter(<data>, requires_grad=False)}. */
    @Override
    public String toString() {
        return "Parameter(" + data + (requiresGrad ? "" : ", requires_grad=False") + ")";
    }
}
