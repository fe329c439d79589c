/**
 * The catalogue's ids, titles and summaries, without the experiments themselves: `listExperiments`
 * reads them, so a bundle that only lists the catalogue does not contain the solvers or the schemas.
 * A test checks that they match the definitions, entry for entry and in order.
 */

/** Id, title and summary of one experiment. */
export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
}

/** Id, title and summary of every experiment, in catalogue order. */
export const CATALOGUE_ENTRIES: readonly CatalogueEntry[] = [
  {
    id: "moments-linear",
    title: "Moments of the linear network (Fig. 1)",
    summary:
      "For σ = id the moment hierarchy closes: m0 stays 1, the mean relaxes to x* = -b/w and the variance decays like e^(2wt) for w < 0. The exact moment ODE, the Vlasov PDE solver and particles are compared for b = 0 (left) and b ≠ 0 (right).",
  },
  {
    id: "steady-states",
    title: "Steady states and their stability",
    summary:
      "For constant parameters the Vlasov equation has the steady states of the table: a stable δ at x* = -b/w for identity/tanh-like σ with w < 0, escape to ±∞ for w > 0, none for positive σ (sigmoid, softplus), and any density on the half-line {wx+b ≤ 0} for ReLU. Each activation × sign of w is solved on [-L, L] with zero-flux walls and the observed limit is checked against the prediction.",
  },
  {
    id: "sensitivity",
    title: "Sensitivity with respect to weights and bias",
    summary:
      "The sensitivities f_w = ∂f/∂w and f_b = ∂f/∂b solve linear transport equations with sources and carry zero mass. They are computed with the upwind scheme's exact discrete tangent and compared with central finite differences of the PDE; the moment sensitivities are compared with the closed forms for σ = id, the loss gradient ∫ℓ f_w with the particle formula E[ℓ'(x(T)) ∂_w x(T)], and saturating activations show vanishing gradients far from x*. Over long times (T up to 20) ∂m₁/∂w tends to b/w²: the moment sensitivity equation and the trajectories follow it exactly, while the PDE's tangent is reported as under-resolved once the density collapses into a few cells. In 2-D, the Fokker–Planck and the Vlasov (upwind) sensitivities ∂f/∂W_ij and ∂f/∂b_i are compared with central finite differences of their solvers.",
  },
  {
    id: "mean-field-limit",
    title: "The mean-field limit: particles → Vlasov",
    summary:
      "The empirical measure of M particles carried by the network solves the Vlasov equation weakly; as M grows it converges to the solution started from the input density. With f0 = N(0, 1) the Wasserstein-1 distance between the particles at T and the exact solution (by characteristics) decays like M^(−1/2), the Monte Carlo rate; the fitted slope is checked.",
  },
  {
    id: "classification",
    title: "Classification: training, then transporting class densities",
    summary:
      "A ResNet is trained (Adam, exact adjoint gradients) on labelled data: two Gaussian classes in 1-D, two moons and Gaussian blobs in 2-D. The trained parameters define the Vlasov equation that transports each class density; the accuracy computed from the transported densities agrees with the Monte Carlo accuracy of particles carried by the same flow.",
  },
  {
    id: "regression",
    title: "Regression and the push-forward of the input density",
    summary:
      "A 1-D ResNet is trained to fit y = g(x) for a monotone g (a 1-D flow map is increasing, so only monotone targets can be matched). The Vlasov equation with the trained parameters carries the uniform input density to an output density, which is compared with g's push-forward of the input density: by the coupling argument W1 ≤ E|x(T) - g(x)|, the fit error bounds the distance. A second case fits the non-monotone x² on [-1, 1]: with d = 1 no flow beats the best monotone fit (isotonic regression, loss 0.028), while the network augmented with a zero coordinate (state (x, 0), output its first coordinate) fits it.",
  },
  {
    id: "stochastic-resnet",
    title: "Stochastic ResNet and the Fokker–Planck equation",
    summary:
      "Noise in every residual update (Euler–Maruyama) gives the Fokker–Planck equation in the mean-field limit. For σ = id the mean and variance follow closed ODEs and the variance tends to D/|w| (Ornstein–Uhlenbeck); for a nonlinear σ the particle histograms are compared with the Fokker–Planck density over time by the Wasserstein-1 distance.",
  },
  {
    id: "fit-distribution",
    title: "Fitting distributions with Fokker–Planck steady states",
    summary:
      "Training becomes fitting distributions: choose (w, b, D) — or a state-dependent D(x) — so that the stationary density of the stochastic ResNet's Fokker–Planck equation matches a target. Gaussian targets have a closed form (b = -wμ, D = s²|w|); tanh-type (sech-power) and Beta-type (D(x) = κ(1 - x²)) targets are fitted by L-BFGS on the exact gradient of the discrete steady state (or by Nelder–Mead) and must recover the parameters that generated them; a histogram of real data (iris) is fitted by a constant-D tanh model and by a bimodal D(x). At a finite horizon the density f(T) reached from a two-bump start is fitted by L-BFGS on the exact adjoint gradient of the solve, and must recover the tanh model that produced it; and a Gaussian is split into two bumps by a fitted D(x), which no constant D with a linear drift can do.",
  },
  {
    id: "convergence",
    title: "Convergence orders of every scheme",
    summary:
      "Every integrator and PDE scheme declares an order; here each is measured against an exact solution: ODE methods against the exact tanh characteristics, SDE methods by strong errors on shared Brownian paths, the Vlasov schemes against the solution by characteristics, the Chang–Cooper steady state against the closed-form stationary densities, and the Fokker–Planck time steppers against a fine-step reference. The observed order is the least-squares slope of log error against log step.",
  },
  {
    id: "mean-field-training",
    title: "Training at the density level",
    summary:
      "Training as optimal control of the Vlasov equation: a ResNet is trained on two class densities (1-D Gaussians, cross-entropy of a softmax read-out) with exact discrete-adjoint gradients, and the same network is trained on M particles from the same initialisation; the same comparison is made in 2-D on two Gaussian blobs. The adjoint gradient is checked against central finite differences at the start; the losses and parameters of the two trainings agree to the grid error (n vs n/2 cells) plus the sampling error (k/√M and the spread of two particle runs).",
  },
];
