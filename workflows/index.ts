export { inspectionCaseWorkflow } from './inspectionCase';
