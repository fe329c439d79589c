import DefaultTheme from "vitepress/theme";
import type { Theme } from "vitepress";
import LiveExperiment from "./components/LiveExperiment.vue";
import ResultView from "./components/ResultView.vue";
import CheckTable from "./components/CheckTable.vue";
import "./style.css";

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component("LiveExperiment", LiveExperiment);
    app.component("ResultView", ResultView);
    app.component("CheckTable", CheckTable);
  },
} satisfies Theme;
