import { describeExamples } from "./describe-examples";

describeExamples("php");
