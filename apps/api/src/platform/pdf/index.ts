// Documents as PDF with Chinese text: service reports and device QR label sheets.
export { renderServiceReport, type ServiceReportInput } from './service-report.ts'
export { LABEL_PRESETS, MAX_LABELS, renderLabelSheet, type LabelInput, type LabelPreset, type LabelSheetLayout } from './label-sheet.ts'
export { cjkFonts, defaultCjkFontSources, loadCjkFonts, type CjkFontSource } from './fonts.ts'
