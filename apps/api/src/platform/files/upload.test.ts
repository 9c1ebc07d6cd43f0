// Uploads and downloads through a small Fastify app wired like the real one (error handler,
// multipart registration), on real files in a temporary directory and on an S3 emulator.
import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import Fastify, { type FastifyInstance } from 'fastify'
import QRCode from 'qrcode'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { NotFoundError } from '../errors.ts'
import { registerErrorHandler } from '../http/error-handler.ts'
import { createFileStorage } from './create-storage.ts'
import { contentDisposition, sendStoredFile } from './download.ts'
import { sanitizeFileName } from './file-name.ts'
import type { FileStorage } from './storage.ts'
import { startTestS3 } from './test-s3.ts'
import { receiveUploads, registerMultipart, type ReceiveUploadsOptions, type UploadedFile } from './upload.ts'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** A test app: POST /upload stores files, GET /files/<key> sends one back. */
async function buildApp(storage: FileStorage) {
  const app = Fastify()
  registerErrorHandler(app)
  await registerMultipart(app)
  const stored = new Map<string, UploadedFile>()
  const state: { options: Partial<ReceiveUploadsOptions> } = { options: {} }
  app.post('/upload', async (req) => {
    const result = await receiveUploads(req, { storage, keyPrefix: 'tenant-1/tickets/t-1', ...state.options })
    for (const f of result.files) stored.set(f.key, f)
    return result
  })
  app.get<{ Params: { '*': string }; Querystring: { download?: string } }>('/files/*', async (req, reply) => {
    const f = stored.get(req.params['*'])
    if (!f) throw new NotFoundError('file', req.params['*'])
    return sendStoredFile(
      req,
      reply,
      storage,
      { key: f.key, fileName: f.fileName, contentType: f.contentType, size: f.size, sha256: f.sha256 },
      { download: req.query.download === '1' },
    )
  })
  return { app, state }
}

interface Part {
  field?: string
  name: string
  bytes: Buffer
  type?: string
}

/** A multipart body as a browser's FormData encodes it. */
async function multipart(parts: Part[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  for (const p of parts)
    form.append(p.field ?? 'file', new Blob([new Uint8Array(p.bytes)], { type: p.type ?? 'application/octet-stream' }), p.name)
  const req = new Request('http://local/upload', { method: 'POST', body: form })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}

async function upload(app: FastifyInstance, parts: Part[], fields?: Record<string, string>) {
  const res = await app.inject({ method: 'POST', url: '/upload', ...(await multipart(parts, fields)) })
  return {
    status: res.statusCode,
    body: res.json() as { files: UploadedFile[]; fields: Record<string, unknown>; code?: string; message?: string },
  }
}

/** Every stored object under the local root (the `.tmp` spool excluded). */
function storedFiles(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.tmp') continue
      if (e.isDirectory()) walk(join(dir, e.name))
      else out.push(join(dir, e.name))
    }
  }
  walk(root)
  return out
}

async function xlsxBytes(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.addWorksheet('设备').addRow(['序列号', '型号'])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

describe('uploads to local storage', () => {
  let root: string
  let app: FastifyInstance
  let state: { options: Partial<ReceiveUploadsOptions> }
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aftercare-upload-'))
    ;({ app, state } = await buildApp(createFileStorage(`file://${root}`)))
  })
  afterAll(async () => {
    await app.close()
    await rm(root, { recursive: true, force: true })
  })
  beforeEach(() => {
    state.options = {}
  })

  it('stores a file with its real type, a safe name, size and SHA-256, whatever the client claimed', async () => {
    const png = await QRCode.toBuffer('https://example.com/d/ABC123')
    const res = await upload(app, [{ name: '../../etc/故障照片\u202egpj.png', bytes: png, type: 'text/plain' }], { note: '现场照片' })
    expect(res.status).toBe(200)
    const [f] = res.body.files
    expect(f).toMatchObject({ field: 'file', fileName: '故障照片gpj.png', contentType: 'image/png', size: png.length, sha256: sha(png) })
    expect(f!.key).toMatch(/^tenant-1\/tickets\/t-1\/[0-9a-f-]{36}$/)
    expect(res.body.fields).toEqual({ note: '现场照片' })
    expect(statSync(join(root, f!.key)).size).toBe(png.length)
  })

  it('sniffs disguised and text files: an .exe named .jpg, an .xlsx, a GBK CSV', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)])
    exe.writeUInt32LE(64, 0x3c)
    const gbkCsv = Buffer.from([0xd0, 0xf2, 0xc1, 0xd0, 0xba, 0xc5, 0x2c, 0x53, 0x4e, 0x0a, 0x31, 0x2c, 0x41, 0x42, 0x0a])
    const res = await upload(app, [
      { name: 'photo.jpg', bytes: exe, type: 'image/jpeg' },
      { name: '设备清单.xlsx', bytes: await xlsxBytes() },
      { name: '导出.csv', bytes: gbkCsv },
      { name: 'notes', bytes: Buffer.from('plain words\n') },
    ])
    expect(res.status).toBe(200)
    expect(res.body.files.map((f) => f.contentType)).toEqual([
      'application/x-msdownload',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
      'text/plain',
    ])
  })

  it('refuses a file over the per-file limit with 413 naming the field, and stores nothing', async () => {
    state.options = { maxFileBytes: 100 * 1024 }
    const before = storedFiles(root).length
    const res = await upload(app, [{ field: 'attachment', name: '日志.bin', bytes: Buffer.alloc(100 * 1024 + 1, 1) }])
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({
      code: 'payload_too_large',
      message: 'attachment: 日志.bin is larger than the 100 KB allowed per file',
    })
    expect(storedFiles(root).length).toBe(before)
    const ok = await upload(app, [{ field: 'attachment', name: 'exact.bin', bytes: Buffer.alloc(100 * 1024, 1) }])
    expect(ok.status).toBe(200)
  })

  it("enforces the owner's quota across files and deletes the ones already stored when a later one does not fit", async () => {
    state.options = { quota: { usedBytes: 150 * 1024, limitBytes: 200 * 1024 } }
    const before = storedFiles(root).length
    const res = await upload(app, [
      { name: 'a.bin', bytes: Buffer.alloc(30 * 1024, 1) },
      { name: 'b.bin', bytes: Buffer.alloc(30 * 1024, 2) },
    ])
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({
      code: 'quota_exceeded',
      message: 'file: b.bin does not fit: 180 KB of the 200 KB allowed in total are used',
    })
    expect(storedFiles(root).length).toBe(before)
  })

  it('answers 422 for an empty file, for no file, for too many files; 415 for a non-multipart request or a refused type', async () => {
    expect((await upload(app, [{ name: 'empty.txt', bytes: Buffer.alloc(0) }])).body).toMatchObject({
      code: 'unprocessable',
      message: 'file: empty.txt is empty',
    })
    expect((await upload(app, [], { note: 'x' })).body).toMatchObject({ code: 'unprocessable', message: 'file: no file was sent' })
    state.options = { maxFiles: 2 }
    const three = await upload(
      app,
      [1, 2, 3].map((i) => ({ field: 'files', name: `${i}.txt`, bytes: Buffer.from(`file ${i}`) })),
    )
    expect(three).toMatchObject({ status: 422, body: { message: 'files: at most 2 files per request' } })
    state.options = { allowedTypes: ['image/*', 'application/pdf'] }
    const refused = await upload(app, [{ field: 'photo', name: 'x.png', bytes: Buffer.from('not an image at all') }])
    expect(refused).toMatchObject({ status: 415, body: { message: 'photo: x.png is text/plain; accepted: image/*, application/pdf' } })
    const json = await app.inject({ method: 'POST', url: '/upload', payload: { file: 'x' } })
    expect(json.statusCode).toBe(415)
    expect(json.json()).toMatchObject({ message: 'file: send the file as multipart/form-data' })
  })

  it('sends a file back with its type, UTF-8 name (RFC 5987), nosniff; images inline, everything else as an attachment', async () => {
    const png = await QRCode.toBuffer('x')
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    const res = await upload(app, [
      { name: '现场照片.png', bytes: png },
      { name: '图.svg', bytes: svg, type: 'image/svg+xml' },
    ])
    const [image, vector] = res.body.files
    const shown = await app.inject({ url: `/files/${image!.key}` })
    expect(shown.statusCode).toBe(200)
    expect(shown.rawPayload.equals(png)).toBe(true)
    expect(shown.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(png.length),
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="____.png"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png`,
      etag: `"${sha(png)}"`,
    })
    expect(shown.headers['content-security-policy']).toContain('sandbox')
    const download = await app.inject({ url: `/files/${image!.key}?download=1` })
    expect(download.headers['content-disposition']).toMatch(/^attachment; /)
    const script = await app.inject({ url: `/files/${vector!.key}` })
    expect(script.headers['content-type']).toBe('image/svg+xml')
    expect(script.headers['content-disposition']).toMatch(/^attachment; /)
    const again = await app.inject({ url: `/files/${image!.key}`, headers: { 'if-none-match': `"${sha(png)}"` } })
    expect(again.statusCode).toBe(304)
    expect((await app.inject({ url: '/files/tenant-1/tickets/t-1/nope' })).statusCode).toBe(404)
  })

  it('refuses an oversized upload over a real socket while it streams, with the default 50 MB limit', async () => {
    state.options = {}
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const before = storedFiles(root).length
    const boundary = '----aftercare-test'
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const size = 50 * 1024 * 1024 + 1
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/upload',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        },
        (res) => {
          let body = ''
          res.on('data', (c: Buffer) => (body += c.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      req.on('error', reject)
      req.write(head)
      const chunk = Buffer.alloc(1024 * 1024, 0x41)
      let sent = 0
      const pump = () => {
        while (sent < size) {
          const n = Math.min(chunk.length, size - sent)
          sent += n
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump)
        }
        req.end(tail)
      }
      pump()
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toMatchObject({ message: 'file: big.bin is larger than the 50 MB allowed per file' })
    expect(storedFiles(root).length).toBe(before)
    expect(readdirSync(join(root, '.tmp'))).toEqual([])
  })
})

describe('uploads to S3-compatible storage', () => {
  it('stores, sends back and cleans up through the S3 API', async () => {
    const s3 = await startTestS3()
    const storage = createFileStorage(s3.url)
    const { app, state } = await buildApp(storage)
    try {
      const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
      const res = await upload(app, [{ name: '服务报告 SR-2026-000001.pdf', bytes: pdf }])
      expect(res.status).toBe(200)
      const [f] = res.body.files
      expect(f).toMatchObject({ contentType: 'application/pdf', size: pdf.length, sha256: sha(pdf) })
      expect(await storage.stat(f!.key)).toMatchObject({ size: pdf.length, contentType: 'application/pdf' })
      const back = await app.inject({ url: `/files/${f!.key}` })
      expect(back.rawPayload.equals(pdf)).toBe(true)
      expect(back.headers['content-disposition']).toBe(
        `attachment; filename="____ SR-2026-000001.pdf"; filename*=UTF-8''%E6%9C%8D%E5%8A%A1%E6%8A%A5%E5%91%8A%20SR-2026-000001.pdf`,
      )
      state.options = { quota: { usedBytes: 0, limitBytes: 1000 } }
      const over = await upload(app, [
        { name: 'a.txt', bytes: Buffer.alloc(600, 0x61) },
        { name: 'b.txt', bytes: Buffer.alloc(600, 0x62) },
      ])
      expect(over.status).toBe(422)
      const keys = readdirSync(s3.dir, { recursive: true }).filter(
        (p) => String(p).includes('tenant-1/tickets/t-1/') && String(p).endsWith('._S3rver_object'),
      )
      expect(keys).toHaveLength(1)
    } finally {
      await app.close()
      await s3.close()
    }
  })
})

describe('file names', () => {
  it('keeps Chinese, drops paths, control, bidi and zero-width characters, trims, bounds the length', () => {
    expect(sanitizeFileName('C:\\Users\\张三\\桌面\\报修单.docx')).toBe('报修单.docx')
    expect(sanitizeFileName('a\u0000b\u0007c\u200b\u202e.txt')).toBe('abc.txt')
    expect(sanitizeFileName('  ..合同<草稿>?.pdf. ')).toBe('合同_草稿__.pdf')
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt')
    expect(sanitizeFileName('../..')).toBe('file')
    expect(sanitizeFileName('e\u0301.txt')).toBe('\u00e9.txt')
    const long = sanitizeFileName(`${'维'.repeat(300)}.pdf`)
    expect(Array.from(long)).toHaveLength(180)
    expect(long.endsWith('维.pdf')).toBe(true)
    expect(Array.from(sanitizeFileName('😀'.repeat(200)))).toHaveLength(180)
  })

  it('writes Content-Disposition with an ASCII fallback and the exact UTF-8 name', () => {
    const header = contentDisposition(`报告"(最终)'.pdf`)
    expect(header).toBe(`attachment; filename="___(__)'.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%22%28%E6%9C%80%E7%BB%88%29%27.pdf`)
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)![1]!
    expect(decodeURIComponent(encoded)).toBe(`报告"(最终)'.pdf`)
  })
})
