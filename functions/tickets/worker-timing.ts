/**
 * The ticket sync worker's Lambda timeout, shared by the CDK stack and the local stack so a sync that
 * finishes locally finishes deployed: the worker stops starting calls before it and continues later.
 */
export const TICKET_SYNC_WORKER_TIMEOUT_SECONDS = 300;
