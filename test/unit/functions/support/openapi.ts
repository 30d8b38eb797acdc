export {
  createOpenApiDocument,
  loadOpenApi,
  type OpenApiDocument,
  type SchemaObject,
} from '../../../../cli/smoke/openapi-document';
