import { describeExamples } from "./describe-examples";

describeExamples("javascript");
