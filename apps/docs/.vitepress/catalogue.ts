/**
 * The experiment catalogue as the site's navigation knows it (MODEL.md §8). The live pages ask the
 * experiments package itself for controls and results; this list only names the pages, so the site
 * builds even while an experiment is missing from the package.
 */
export interface CatalogueEntry {
  readonly id: string;
  readonly title: string;
  readonly blurb: string;
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: "moments-linear",
    title: "Moments of a linear network",
    blurb: "m₀, m₁, m₂ and the variance over time for σ = id: exact moment ODE, PDE solver and particles.",
  },
  { id: "steady-states", title: "Steady states", blurb: "Each activation and each sign of w: the density over time and its limit." },
  {
    id: "sensitivity",
    title: "Sensitivity to weight and bias",
    blurb:
      "f_w and f_b from the sensitivity equations against finite differences of the PDE; long times; 2-D Fokker–Planck and 2-D Vlasov.",
  },
  {
    id: "mean-field-limit",
    title: "The mean-field limit",
    blurb: "Particles against the PDE: the Wasserstein-1 distance falls like M^(-1/2).",
  },
  {
    id: "classification",
    title: "Classification",
    blurb: "Train a ResNet on labelled data, then transport each class density with the trained parameters.",
  },
  { id: "regression", title: "Regression", blurb: "Fit y = g(x); the PDE carries the input density to the output density." },
  {
    id: "stochastic-resnet",
    title: "Stochastic ResNet",
    blurb: "SDE particles against the Fokker–Planck solution; moments with diffusion.",
  },
  {
    id: "fit-distribution",
    title: "Fitting distributions",
    blurb: "Fokker–Planck steady states fitted to Gaussian, tanh-type, Beta-type and data targets.",
  },
  {
    id: "convergence",
    title: "Convergence orders",
    blurb: "Observed orders of every ODE, SDE, Vlasov and Fokker–Planck scheme against exact solutions.",
  },
  {
    id: "mean-field-training",
    title: "Training at the density level",
    blurb: "Optimal control of the Vlasov equation: density training against particle training, with exact adjoint gradients.",
  },
];
