/** Errors services throw; one HTTP handler maps them (see http/error-handler.ts). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { issues?: { path: string; message: string }[]; allowed?: string[] } = {},
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class ValidationError extends AppError {
  constructor(message: string, issues: { path: string; message: string }[] = []) {
    super(422, 'unprocessable', message, { issues })
  }
  /** A single field at fault: `ValidationError.field('email', 'already taken')`. */
  static field(path: string, message: string) {
    return new ValidationError(`${path}: ${message}`, [{ path, message }])
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super(404, 'not_found', id ? `${entity} ${id} not found` : `${entity} not found`)
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthenticated') {
    super(401, code, message)
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this', code = 'forbidden') {
    super(403, code, message)
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, allowed?: string[]) {
    super(409, code, message, allowed ? { allowed } : {})
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message = 'The resource was changed by someone else; reload and try again') {
    super(412, 'precondition_failed', message)
  }
}
