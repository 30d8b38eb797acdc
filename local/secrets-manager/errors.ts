/**
 * The errors the stand-in answers with, named exactly as the real service names them so the SDK
 * deserialises each into its own typed exception class.
 */
export type ServiceErrorName =
  | 'ResourceNotFoundException'
  | 'ResourceExistsException'
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'ThrottlingException'
  | 'InternalServiceError'
  | 'RequestEntityTooLargeException';

export class ServiceError extends Error {
  override readonly name: ServiceErrorName;
  readonly status: number;

  constructor(name: ServiceErrorName, message: string, status = 400) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

export const secretNotFound = (): ServiceError =>
  new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const secretValueNotFound = (selector: string): ServiceError =>
  new ServiceError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for ${selector}.`,
  );

export const markedForDeletion = (): ServiceError =>
  new ServiceError(
    'InvalidRequestException',
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError('InvalidParameterException', message);

/** Worded like the real service's constraint failures; names the field, never echoes a value. */
export const validationFailed = (field: string, constraint: string): ServiceError =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  );

export const serializationFailed = (message: string): ServiceError =>
  new ServiceError('SerializationException', message);
