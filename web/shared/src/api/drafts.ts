// An application draft as intake keeps it, reached under two roots: the applicant's own drafts
// and the applications a handler files at the counter. Both answer with intake's shapes
// (`application_view`, `detail_view`, `material_view`); what each root takes is typed from it.
import type { Client } from 'openapi-fetch'
import type { TokenStore } from '../auth'
import type { ApplicationDetail, ApplicationSummary, Material } from '../shapes/applications'
import { unwrap, uploadWithProgress, type Paths } from './client'

export type DraftRoot = '/api/v1/applicant/applications' | '/api/v1/officer/counter-applications'

/** The body that creates a draft under `R`. */
export type NewDraft<R extends DraftRoot> = Paths[R]['post']['requestBody']['content']['application/json']

/** The body that changes a draft's form under `R` (with the version it was read at). */
export type DraftChange<R extends DraftRoot> =
  Paths[`${R}/{application_id}`]['patch']['requestBody']['content']['application/json']

/** The calls both roots answer alike: create, read, change the form, upload a material. */
export function draftApi<R extends DraftRoot>(api: Client<Paths>, tokens: TokenStore, root: R) {
  // the two roots' routes take the same path parameter; the bodies stay typed per root above
  const routes: DraftRoot = root
  const one = (id: string) => ({ path: { application_id: id } })
  return {
    async create(body: NewDraft<R>): Promise<ApplicationSummary> {
      return (await unwrap(api.POST(routes, { body: body as NewDraft<DraftRoot> }))) as ApplicationSummary
    },

    async get(id: string): Promise<ApplicationDetail> {
      return (await unwrap(api.GET(`${routes}/{application_id}`, { params: one(id) }))) as ApplicationDetail
    },

    async change(id: string, body: DraftChange<R>): Promise<ApplicationSummary> {
      return (await unwrap(
        api.PATCH(`${routes}/{application_id}`, { params: one(id), body: body as DraftChange<DraftRoot> }),
      )) as ApplicationSummary
    },

    /** One file as a material of `kind`, with upload progress; the API judges its type by content. */
    async uploadMaterial(
      id: string,
      kind: string,
      file: File,
      onProgress: (percent: number) => void,
    ): Promise<Material> {
      const form = new FormData()
      form.append('kind', kind)
      form.append('file', file, file.name)
      return (await uploadWithProgress(`${root}/${encodeURIComponent(id)}/materials`, form, tokens, onProgress)) as Material
    },
  }
}
