// What an empty area of the product will hold, said plainly (no sample data).
import { Card, Empty, Typography } from 'antd'
import type { ReactNode } from 'react'

export function ComingSoon({ title, description, points }: { title: string; description: string; points?: ReactNode[] }) {
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Card>
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={
            <div style={{ maxWidth: 560, margin: '0 auto' }}>
              <Typography.Paragraph style={{ fontSize: 15 }}>{description}</Typography.Paragraph>
              {points && points.length > 0 && (
                <ul style={{ textAlign: 'start', color: 'rgba(0,0,0,0.65)', paddingInlineStart: 20 }}>
                  {points.map((p, i) => (
                    <li key={i}>{p}</li>
                  ))}
                </ul>
              )}
            </div>
          }
        />
      </Card>
    </div>
  )
}
