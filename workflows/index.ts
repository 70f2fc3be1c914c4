export { inspectionCaseWorkflow } from './inspectionCase';
export { drawWorkflow } from './draw';
export { planWorkflow } from './plan';
export { penaltyDecisionWorkflow } from './penaltyDecision';
export { auditCheckpointWorkflow } from './auditCheckpoint';
