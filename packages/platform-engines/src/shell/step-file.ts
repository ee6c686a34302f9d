// The step-file grammar lives in core (the lowest layer, so services and engines share one copy).
export { parseStepFile } from '@tasksgodzilla/core';
export type { ParsedStepFile, ShellBlock, StepCheck } from '@tasksgodzilla/core';
