export * from './config';
export * from './data-api';
export * from './errors';
export * from './migrations';
