/** The report job kinds' handlers: a snapshot's PDF, and a project's scheduled reports. */
import { db } from '../db.server'
import { REPORT_PDF_JOB, REPORT_SCHEDULE_JOB } from '../jobs/kinds'
import type { JobHandler } from '../jobs/worker.server'
import { renderSnapshotPdf } from './pdf.server'
import { runScheduledReports } from './schedule.server'

const snapshotOf = (payload: string) => (JSON.parse(payload) as { snapshotId: string }).snapshotId

export const reportJobHandlers: Record<string, JobHandler> = {
  [REPORT_PDF_JOB]: {
    // A failed rendering is recorded on the snapshot (with Chromium's error), not retried.
    run: async (job, { signal }) => {
      await renderSnapshotPdf(snapshotOf(job.payload), { signal })
    },
    abandoned: async (job) => {
      const snapshot = await db.reportSnapshot.findUnique({
        where: { id: snapshotOf(job.payload) },
        select: { id: true, partnerProjectId: true },
      })
      if (!snapshot) return
      await db.reportSnapshot.updateMany({
        where: { ...snapshot, pdfStatus: 'queued' },
        data: { pdfStatus: 'failed', pdfError: 'The worker stopped while rendering the PDF.' },
      })
    },
  },
  [REPORT_SCHEDULE_JOB]: {
    run: async (job) => {
      const { projectId } = JSON.parse(job.payload) as { projectId: string }
      await runScheduledReports(projectId)
    },
  },
}
