export {
  createDataApiRateLimiter,
  type RateLimiterOptions,
  type UpstreamRateLimiter,
} from './upstream-rate-limiter';
