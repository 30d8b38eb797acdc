export * from './env-readers';
export * from './token-manager-config';
