import { describeExamples } from "./describe-examples";

describeExamples("curl");
