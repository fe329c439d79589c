/**
 * The finite-volume flux kernels behind `solveVlasov` (face velocities, limited slopes, one advection
 * stage in 1-D and 2-D), for solvers built on them such as the Fokker–Planck package.
 * @module @kinetic-nde/mean-field/fluxes
 */
export * from "@kinetic-nde/mean-field/fluxes";
