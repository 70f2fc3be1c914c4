export { inspectionCaseWorkflow } from './inspectionCase';
export { drawWorkflow } from './draw';
export { planWorkflow } from './plan';
