import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A Lambda handler as the gateway invokes it: event and context in, a proxy result (promise) out. */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => unknown;

const FOLDER_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Imports `functions/<folder>/handler.ts` and returns its `handler` export, the same module Lambda
 * runs. The folder name is checked so a route table can never make it import anything else.
 *
 * @param folder - a folder under `functions/`, as in the route table
 */
export async function loadFunctionHandler(folder: string): Promise<ProxyHandler> {
  if (!FOLDER_NAME.test(folder)) throw new Error(`Not a handler folder name: ${JSON.stringify(folder)}`);
  const url = new URL(`../../functions/${folder}/handler.ts`, import.meta.url);
  const module: unknown = await import(url.href);
  const handler = typeof module === 'object' && module !== null ? Reflect.get(module, 'handler') : undefined;
  if (typeof handler !== 'function')
    throw new Error(`functions/${folder}/handler.ts does not export a handler`);
  return handler as ProxyHandler;
}
