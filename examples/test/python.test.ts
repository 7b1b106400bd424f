import { describeExamples } from "./describe-examples";

describeExamples("python");
