/** Body of `POST /classes/:id/enrolments`. */
export interface EnrolStudentRequest {
  studentId: string;
}

/** Body of `POST /classes/:id/enrolments/bulk`. */
export interface BulkEnrolmentRequest {
  studentIds: string[];
}

/** One student enrolled in one class. */
export interface EnrolmentView {
  classId: string;
  studentId: string;
  /** ISO 8601 timestamp. */
  enrolledAt: string;
}

/** The answer to a bulk enrolment: every enrolment it made, in the order of the request. */
export interface BulkEnrolmentResult {
  classId: string;
  enrolled: EnrolmentView[];
}
