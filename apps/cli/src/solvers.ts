/** Listing of the numerical schemes of every package (for `kinetic-nde list schemes`). */
import { ODE_METHODS, SDE_METHODS, TRAINING_SCHEMES } from "@kinetic-nde/core";
import { FOKKER_PLANCK_METHODS } from "@kinetic-nde/fokker-planck";
import { TIME_STEPPERS, VLASOV_SCHEMES } from "@kinetic-nde/mean-field";
import { MOMENT_METHODS } from "@kinetic-nde/moments";

/** One row per scheme: where it is used, its name, order and properties. */
export function listSchemes(): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const m of ODE_METHODS)
    rows.push({ solver: "simulate (ODE)", name: m.name, order: m.order, adaptive: m.adaptive, note: m.description });
  for (const m of SDE_METHODS)
    rows.push({
      solver: "simulate (SDE)",
      name: m.name,
      order: `strong ${m.strongOrder} / weak ${m.weakOrder}`,
      adaptive: false,
      note: m.description,
    });
  for (const m of VLASOV_SCHEMES)
    rows.push({
      solver: "solve vlasov (space)",
      name: m.name,
      order: m.order,
      adaptive: false,
      note: `positive for CFL ≤ ${m.positiveCfl}`,
    });
  for (const m of TIME_STEPPERS)
    rows.push({ solver: "solve vlasov (time)", name: m.name, order: m.order, adaptive: false, note: "strong-stability preserving" });
  for (const m of FOKKER_PLANCK_METHODS)
    rows.push({ solver: "solve fokker-planck", name: m.name, order: m.order, adaptive: false, note: m.description });
  for (const m of MOMENT_METHODS)
    rows.push({
      solver: "moments",
      name: m.name,
      order: Number.isFinite(m.order) ? m.order : "exact",
      adaptive: m.adaptive,
      note: "moment hierarchy",
    });
  for (const m of TRAINING_SCHEMES)
    rows.push({
      solver: "train (forward scheme)",
      name: m.name,
      order: m.order,
      adaptive: false,
      note: `${m.stages} stage(s) per layer, exact discrete adjoint`,
    });
  return rows;
}
