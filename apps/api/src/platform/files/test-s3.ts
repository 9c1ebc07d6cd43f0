// An S3-compatible server for tests: s3rver (a real S3 REST implementation on local disk),
// on a free port of 127.0.0.1, with one bucket. V4 signatures are not verified by it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'

export async function startTestS3(bucket = 'aftercare-test') {
  const dir = await mkdtemp(join(tmpdir(), 'aftercare-s3rver-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] })
  const { port } = await server.run()
  return {
    url: `s3://S3RVER:S3RVER@127.0.0.1:${port}/${bucket}/attachments?tls=false&region=us-east-1`,
    dir,
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
