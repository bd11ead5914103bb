/** Body of `POST /classes`. */
export interface CreateClassRequest {
  name: string;
  /** The kind of class, for example `lecture` or `seminar` (`class.type` on the spans). */
  type: string;
  instructorId: string;
}

/** A class as the routes answer it. */
export interface ClassSummary {
  id: string;
  name: string;
  type: string;
  instructorId: string;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

/** A student enrolled in a class. */
export interface EnrolledStudent {
  id: string;
  name: string;
  /** ISO 8601 timestamp. */
  enrolledAt: string;
}

/** The answer to `GET /classes/:id`: the class and its students, by enrolment time (then id). */
export interface ClassDetails extends ClassSummary {
  students: EnrolledStudent[];
}
