// A file sent as an application's material, the same for the applicant's drafts and the
// officer's counter applications (intake answers with `material_view`).
import type { TokenStore } from '../auth'
import type { Material } from '../shapes/applications'
import { uploadWithProgress } from './client'

/** One file as a material of `kind`, posted to `url` with upload progress; the API judges its type by content. */
export async function uploadMaterialFile(
  url: string,
  kind: string,
  file: File,
  tokens: TokenStore,
  onProgress: (percent: number) => void,
): Promise<Material> {
  const form = new FormData()
  form.append('kind', kind)
  form.append('file', file, file.name)
  return (await uploadWithProgress(url, form, tokens, onProgress)) as Material
}
