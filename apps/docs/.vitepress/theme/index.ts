import { h } from "vue";
import DefaultTheme from "vitepress/theme";
import type { Theme } from "vitepress";
import LiveExperiment from "./components/LiveExperiment.vue";
import ResultView from "./components/ResultView.vue";
import CheckTable from "./components/CheckTable.vue";
import "./style.css";

export default {
  extends: DefaultTheme,
  // The packages' version beside the navigation, on every page (the default footer is hidden on
  // pages with a sidebar).
  Layout: () =>
    h(DefaultTheme.Layout, null, {
      "nav-bar-content-after": () =>
        h("span", { class: "kn-version", title: "version of the @kinetic-nde packages" }, `v${__KN_VERSION__}`),
    }),
  enhanceApp({ app }) {
    app.component("LiveExperiment", LiveExperiment);
    app.component("ResultView", ResultView);
    app.component("CheckTable", CheckTable);
  },
} satisfies Theme;
