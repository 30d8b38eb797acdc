export { LocalRateLimit } from './local-rate-limit';
export {
  type AcquireOptions,
  createDataApiRateLimiter,
  LEARNED_LIMIT_RECOVERY_WINDOWS,
  type LearnedRateLimit,
  type RateLimiterOptions,
  type TokenInUse,
  type UpstreamRateLimiter,
} from './upstream-rate-limiter';
