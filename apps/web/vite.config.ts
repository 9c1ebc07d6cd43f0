import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Vendor code in a few long-lived chunks (cached across deploys of the app code),
// pages loaded lazily per route. See STACK-NOTES §5 for the measured group sizes.
const vendor = (pattern: string) => new RegExp(`[\\\\/]node_modules[\\\\/](${pattern})[\\\\/]`)

export default defineConfig({
  plugins: [react()],
  server: {
    // `API_URL=http://localhost:3001 npm run dev -w @aftercare/web` for an API on another port.
    proxy: { '/api': { target: process.env.API_URL ?? 'http://localhost:3000', ws: true } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: vendor('react|react-dom|scheduler'), priority: 30 },
            { name: 'router', test: vendor('react-router|cookie|set-cookie-parser'), priority: 25 },
            { name: 'query', test: vendor('@tanstack'), priority: 25 },
            { name: 'i18n', test: vendor('i18next|react-i18next|html-parse-stringify|void-elements'), priority: 25 },
            { name: 'zod', test: vendor('zod'), priority: 25 },
            {
              name: 'antd',
              test: vendor(
                'antd|@ant-design|@rc-component|rc-[\\w-]+|dayjs|@babel|classnames|clsx|stylis|@emotion|throttle-debounce|scroll-into-view-if-needed|compute-scroll-into-view|json2mq|string-convert|copy-to-clipboard|toggle-selection|is-mobile',
              ),
              priority: 20,
            },
          ],
        },
      },
    },
  },
})
