export { LocalRateLimit } from './local-rate-limit';
export {
  type AcquireOptions,
  createDataApiRateLimiter,
  type LearnedRateLimit,
  type RateLimiterOptions,
  type TokenInUse,
  type UpstreamRateLimiter,
} from './upstream-rate-limiter';
