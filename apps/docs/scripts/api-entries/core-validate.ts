/**
 * The validation helpers every kinetic-nde package uses at its entry points (messages that name the
 * argument, the rule and the value; unknown option keys; sizes refused before any work). For kinetic-nde's
 * own packages and for extensions that want the same messages.
 * @module @kinetic-nde/core/validate
 */
export * from "@kinetic-nde/core/validate";
