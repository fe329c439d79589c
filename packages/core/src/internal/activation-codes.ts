/**
 * The one numbering of the activations for the specialised kernels: hot loops switch on a small
 * integer instead of calling `sigma.sigma` per element. Each activation's record (`activationInfo`)
 * carries its code; nothing else numbers activations. Not exported from the package.
 * @packageDocumentation
 */

/** Kernel code of σ = identity. */
export const ACT_IDENTITY = 0;
/** Kernel code of σ = tanh. */
export const ACT_TANH = 1;
/** Kernel code of the logistic sigmoid. */
export const ACT_SIGMOID = 2;
/** Kernel code of ReLU. */
export const ACT_RELU = 3;
/** Kernel code of leaky ReLU (the slope α travels beside it). */
export const ACT_LEAKY = 4;
/** Kernel code of softplus. */
export const ACT_SOFTPLUS = 5;
/** Kernel code of a user activation: the kernels call `sigma.sigma`. */
export const ACT_USER = 6;
