/** Body of `POST /students`. */
export interface AddStudentRequest {
  name: string;
}

/** A student as the routes answer it. */
export interface StudentSummary {
  id: string;
  name: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
}
