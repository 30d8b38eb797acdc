import { DataApiError } from '../../../../local/data-api-emulator/errors';

/** The DataApiError `run` throws; fails the test when it throws nothing or something else. */
export function errorOf(run: () => unknown): DataApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof DataApiError) return error;
    throw error;
  }
  throw new Error('expected a DataApiError');
}
