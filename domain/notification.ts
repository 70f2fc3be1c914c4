// A notification as a person reads it (GET /me/notifications): the service builds it, the web application shows it.
// A plain type module (no Node, no Prisma), so the web bundle can import it.

export interface NotificationView {
  id: string;
  kind: string;
  caseId: string | null;
  message: string;
  createdAt: string;
  readAt: string | null;
}
