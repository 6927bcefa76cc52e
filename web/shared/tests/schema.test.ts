import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript'

// The types the pages use are generated from the committed OpenAPI document (which a gateway
// test compares with the gateway's own): a stale schema.d.ts fails here.
// vitest runs in web/ (npm test)
const API = resolve(process.cwd(), 'shared/src/api')

describe('generated API types', () => {
  it('match the OpenAPI document (run `make openapi` after changing a route)', async () => {
    const document = readFileSync(resolve(API, 'openapi.json'), 'utf8')
    const generated = COMMENT_HEADER + astToString(await openapiTS(JSON.parse(document)))
    const committed = readFileSync(resolve(API, 'schema.d.ts'), 'utf8')
    expect(committed).toBe(generated)
  }, 30_000)
})
