import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/** One weight of a font: a file, and the PostScript name inside it when it is a collection (.ttc). */
export interface FontFile {
  path: string
  postscriptName?: string
}

export interface CjkFontSource {
  name: string
  regular: FontFile
  bold: FontFile
}

export interface CjkFonts {
  name: string
  regular: { data: Buffer; postscriptName?: string }
  bold: { data: Buffer; postscriptName?: string }
}

const require = createRequire(import.meta.url)
const npmFont = (weight: string): string | undefined => {
  try {
    return require.resolve(`@expo-google-fonts/noto-sans-sc/${weight}/NotoSansSC_${weight}.ttf`)
  } catch {
    return undefined
  }
}

/**
 * Where a Simplified Chinese font is looked for, in order:
 * 1. Noto Sans SC (static TrueType, OFL) from the npm package `@expo-google-fonts/noto-sans-sc`,
 *    a dependency: the same font on every machine, including a fresh one after `npm ci`;
 * 2. Debian's `fonts-noto-cjk` (Noto Sans CJK SC inside OpenType collections);
 * 3. Debian's `fonts-wqy-microhei` (one weight).
 */
export function defaultCjkFontSources(): CjkFontSource[] {
  const regular = npmFont('400Regular')
  const bold = npmFont('700Bold')
  const noto = '/usr/share/fonts/opentype/noto'
  const wqy = { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' }
  return [
    ...(regular && bold ? [{ name: 'Noto Sans SC (npm)', regular: { path: regular }, bold: { path: bold } }] : []),
    {
      name: 'Noto Sans CJK SC (fonts-noto-cjk)',
      regular: { path: `${noto}/NotoSansCJK-Regular.ttc`, postscriptName: 'NotoSansCJKsc-Regular' },
      bold: { path: `${noto}/NotoSansCJK-Bold.ttc`, postscriptName: 'NotoSansCJKsc-Bold' },
    },
    { name: 'WenQuanYi Micro Hei (fonts-wqy-microhei)', regular: wqy, bold: wqy },
  ]
}

const load = async (f: FontFile) => ({ data: await readFile(f.path), ...(f.postscriptName ? { postscriptName: f.postscriptName } : {}) })

/** Loads the first source whose files exist; fails with what to install when there is none. */
export async function loadCjkFonts(sources: CjkFontSource[] = defaultCjkFontSources()): Promise<CjkFonts> {
  const found = sources.find((s) => existsSync(s.regular.path) && existsSync(s.bold.path))
  if (!found)
    throw new Error(
      'No Chinese font for PDF documents: run `npm ci` (it installs @expo-google-fonts/noto-sans-sc) or `apt-get install fonts-noto-cjk`',
    )
  return { name: found.name, regular: await load(found.regular), bold: await load(found.bold) }
}

let cached: Promise<CjkFonts> | undefined
/** The process's fonts, read once (two files of about 10 MB) on first use. */
export function cjkFonts(): Promise<CjkFonts> {
  cached ??= loadCjkFonts().catch((e: unknown) => {
    cached = undefined
    throw e
  })
  return cached
}
