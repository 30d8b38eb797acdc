import type { HttpRoute } from '../../functions/http-routes';

/**
 * API Gateway's resource tree: every prefix of a route path is a resource (with or without methods),
 * a static child wins over a `{param}` sibling, and methods live on the resource.
 */
interface ResourceNode {
  readonly statics: Map<string, ResourceNode>;
  param: { readonly name: string; readonly node: ResourceNode } | undefined;
  readonly methods: Map<string, HttpRoute>;
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: HttpRoute; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'not-found' };

export interface RouteMatcher {
  match(method: string, rawPath: string): RouteMatch;
}

const PARAM_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

function newNode(): ResourceNode {
  return { statics: new Map(), param: undefined, methods: new Map() };
}

function splitPath(path: string): string[] {
  return path.split('/').slice(1);
}

function addRoute(root: ResourceNode, route: HttpRoute): void {
  if (!route.path.startsWith('/')) throw new Error(`Route path must start with '/': ${route.path}`);
  let node = root;
  for (const segment of splitPath(route.path)) {
    if (segment === '') throw new Error(`Route path has an empty segment: ${route.path}`);
    const param = PARAM_SEGMENT.exec(segment)?.[1];
    if (param === undefined) {
      const next = node.statics.get(segment) ?? newNode();
      node.statics.set(segment, next);
      node = next;
      continue;
    }
    if (node.param !== undefined && node.param.name !== param) {
      throw new Error(`Conflicting path parameters {${node.param.name}} and {${param}} in ${route.path}`);
    }
    node.param ??= { name: param, node: newNode() };
    node = node.param.node;
  }
  if (node.methods.has(route.method)) throw new Error(`Duplicate route ${route.method} ${route.path}`);
  node.methods.set(route.method, route);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape is passed on as sent; the handler's validation refuses it.
    return segment;
  }
}

/** The resource a path resolves to: static children first, then the parameter, backtracking as needed. */
function findResource(
  node: ResourceNode,
  segments: readonly string[],
  index: number,
  params: Record<string, string>,
): ResourceNode | undefined {
  if (index === segments.length) return node;
  const segment = segments[index] ?? '';
  if (segment === '') return undefined;
  const staticChild = node.statics.get(segment);
  if (staticChild !== undefined) {
    const found = findResource(staticChild, segments, index + 1, params);
    if (found !== undefined) return found;
  }
  if (node.param === undefined) return undefined;
  const found = findResource(node.param.node, segments, index + 1, params);
  if (found !== undefined) params[node.param.name] = decodeSegment(segment);
  return found;
}

/**
 * Builds a matcher over `routes`. A path with no resource, or a method the resource does not define,
 * is `not-found` (API Gateway answers both with 403 Missing Authentication Token).
 *
 * @param routes - the route table; duplicate or conflicting routes throw
 */
export function createRouteMatcher(routes: readonly HttpRoute[]): RouteMatcher {
  const root = newNode();
  for (const route of routes) addRoute(root, route);
  return {
    match(method, rawPath) {
      if (!rawPath.startsWith('/')) return { kind: 'not-found' };
      const params: Record<string, string> = {};
      const resource = rawPath === '/' ? root : findResource(root, splitPath(rawPath), 0, params);
      const route = resource?.methods.get(method);
      return route === undefined ? { kind: 'not-found' } : { kind: 'matched', route, pathParameters: params };
    },
  };
}
