import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DataSource } from 'typeorm';
import { TestSpans, TracingTestingModule } from '@huleedu/nest-tracing-testing';
import { AppModule } from '../src/app.module.js';

/**
 * The service on a real PostgreSQL: `DATABASE_URL` when set (CI and this machine run one on
 * 127.0.0.1:5432), else the embedded one. The tables are shared between runs; every row a test
 * makes belongs to this run's instructor or students and is deleted at the end.
 */
const INSTRUCTOR = `instructor-${randomUUID()}`;
const ENROLMENT_SPAN = 'class.create.student_enrollment';
/** Booting the service on its database (the embedded one starts PGlite) or closing it, on a loaded 2-core CI machine too. */
const HOOK_TIMEOUT_MS = 60_000;
/** How long `afterEach` waits for a request's SERVER span to end after its response arrived: ample on a loaded machine. */
const SPAN_SETTLE_MS = 10_000;

interface Exchange {
  status: number;
  body: any;
}

let app: INestApplication;
let baseUrl: string;
let spans: TestSpans;
let dataSource: DataSource;
const studentIds: string[] = [];

/** One request with `node:http` (no connection reuse, no client span), JSON in and out. */
function call(method: string, path: string, body?: unknown): Promise<Exchange> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise<Exchange>((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** The request's SERVER span, once it has ended (it ends when the response closes). */
async function serverSpan(name: string): Promise<ReadableSpan> {
  await spans.waitFor((finished) => finished.some((span) => span.kind === SpanKind.SERVER && span.name === name));
  return spans.one({ name, kind: SpanKind.SERVER });
}

async function createClass(name = 'English 5', type = 'seminar'): Promise<string> {
  const response = await call('POST', '/classes', { name, type, instructorId: INSTRUCTOR });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function addStudents(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await call('POST', '/students', { name: `Student ${index + 1}` });
    expect(response.status).toBe(201);
    ids.push(response.body.id as string);
  }
  studentIds.push(...ids);
  return ids;
}

/** The students enrolled in the class, read from the table (not through the service). */
async function enrolledStudentIds(classId: string): Promise<string[]> {
  const rows: Array<{ student_id: string }> = await dataSource.query(
    'SELECT student_id FROM enrolments WHERE class_id = $1 ORDER BY student_id',
    [classId],
  );
  return rows.map((row) => row.student_id);
}

/** The CLIENT (statement) spans whose parent is `parent`, in the order they ended. */
function statementsUnder(parent: ReadableSpan): ReadableSpan[] {
  return spans.childrenOf(parent).filter((span) => span.kind === SpanKind.CLIENT);
}

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule, TracingTestingModule.forRoot({ serviceName: 'class-management-service' })],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  baseUrl = await app.getUrl();
  spans = app.get(TestSpans);
  dataSource = app.get(DataSource);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  if (dataSource?.isInitialized) {
    // enrolments go with their classes and students (ON DELETE CASCADE)
    await dataSource.query('DELETE FROM classes WHERE instructor_id = $1', [INSTRUCTOR]);
    if (studentIds.length > 0) await dataSource.query('DELETE FROM students WHERE id = ANY($1::uuid[])', [studentIds]);
  }
  await app?.close();
}, HOOK_TIMEOUT_MS);

beforeEach(() => spans.reset());

afterEach(async () => {
  // A request's SERVER span may end just after its response reached the client.
  await spans.waitFor(() => spans.open().length === 0, SPAN_SETTLE_MS).catch(() => undefined);
  spans.assertLifecycle();
}, HOOK_TIMEOUT_MS);

describe('GET /health', () => {
  it('answers ok, and no span is about it', async () => {
    const response = await call('GET', '/health');

    expect(response).toEqual({ status: 200, body: { status: 'ok' } });
    expect([...spans.all(), ...spans.open()]).toEqual([]);
  });
});

describe('POST /classes', () => {
  it('creates a class: SERVER, then class.create, then one INSERT classes CLIENT span', async () => {
    const response = await call('POST', '/classes', { name: 'English 5', type: 'seminar', instructorId: INSTRUCTOR });

    expect(response.status).toBe(201);
    const classId = response.body.id as string;
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'English 5',
      type: 'seminar',
      instructorId: INSTRUCTOR,
      createdAt: expect.any(String),
    });
    const server = await serverSpan('POST /classes');
    expect(server).toHaveAttributes({ 'http.route': '/classes', 'http.response.status_code': 201 });
    const create = spans.one('class.create');
    expect(create).toBeChildOf(server);
    expect(create).toHaveAttributes({
      'class.id': classId,
      'class.type': 'seminar',
      'instructor.id': INSTRUCTOR,
      'operation.result': 'success',
    });
    const [insert] = statementsUnder(create);
    expect(statementsUnder(create)).toHaveLength(1);
    expect(insert.name).toBe('INSERT classes');
    expect(insert).toHaveAttributes({
      'db.system.name': 'postgresql',
      'db.operation.name': 'INSERT',
      'db.collection.name': 'classes',
      'server.address': '127.0.0.1',
    });
    expect(typeof insert.attributes['db.namespace']).toBe('string');
    expect(insert).toHaveStatus('unset');
    // the class is in the table, and its name is in no span
    const rows: unknown[] = await dataSource.query('SELECT id FROM classes WHERE id = $1', [classId]);
    expect(rows).toHaveLength(1);
    const values = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
    expect(values.some((value) => value.includes('English 5'))).toBe(false);
  });

  it.each([
    ['no body', undefined],
    ['no name', { type: 'seminar', instructorId: INSTRUCTOR }],
    ['an empty type', { name: 'English 5', type: ' ', instructorId: INSTRUCTOR }],
    ['an instructor id that is not a string', { name: 'English 5', type: 'seminar', instructorId: 7 }],
  ])('answers 400 for %s, before class.create and any statement', async (_kind, body) => {
    const response = await call('POST', '/classes', body);

    expect(response.status).toBe(400);
    const server = await serverSpan('POST /classes');
    expect(server).toHaveAttributes({ 'http.response.status_code': 400 });
    expect(spans.all().map((span) => span.name)).toEqual(['POST /classes']);
  });
});

describe('GET /classes and GET /classes/:id', () => {
  it("lists the instructor's classes, newest first, as class.list", async () => {
    const first = await createClass('History 2', 'lecture');
    const second = await createClass('History 3', 'lecture');
    spans.reset();

    const response = await call('GET', `/classes?instructorId=${encodeURIComponent(INSTRUCTOR)}`);

    expect(response.status).toBe(200);
    const ids = (response.body as Array<{ id: string; instructorId: string }>).map((item) => item.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(ids.indexOf(second)).toBeGreaterThanOrEqual(0);
    expect((response.body as Array<{ instructorId: string }>).every((item) => item.instructorId === INSTRUCTOR)).toBe(
      true,
    );
    const list = spans.one('class.list');
    expect(list).toBeChildOf(await serverSpan('GET /classes'));
    expect(list).toHaveAttributes({ 'instructor.id': INSTRUCTOR, 'result.count': ids.length });
    expect(statementsUnder(list).map((span) => span.name)).toEqual(['SELECT classes']);
  });

  it('reads a class with its students as class.retrieve', async () => {
    const classId = await createClass('Maths 1', 'workshop');
    const [student] = await addStudents(1);
    expect((await call('POST', `/classes/${classId}/enrolments`, { studentId: student })).status).toBe(201);
    spans.reset();

    const response = await call('GET', `/classes/${classId}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: classId, name: 'Maths 1', type: 'workshop', instructorId: INSTRUCTOR });
    expect(response.body.students).toEqual([{ id: student, name: 'Student 1', enrolledAt: expect.any(String) }]);
    const retrieve = spans.one('class.retrieve');
    expect(retrieve).toBeChildOf(await serverSpan('GET /classes/:id'));
    expect(retrieve).toHaveAttributes({
      'class.id': classId,
      'class.type': 'workshop',
      'instructor.id': INSTRUCTOR,
      'class.student_count': 1,
    });
    expect(statementsUnder(retrieve).map((span) => span.name)).toEqual(['SELECT classes', 'SELECT enrolments']);
  });

  it('answers 404 for an unknown class, marking class.retrieve failed, and 400 for an id that is no UUID', async () => {
    const unknown = randomUUID();

    const missing = await call('GET', `/classes/${unknown}`);
    const malformed = await call('GET', '/classes/not-a-uuid');

    expect(missing).toMatchObject({ status: 404, body: { message: `Class ${unknown} does not exist.` } });
    expect(malformed.status).toBe(400);
    const retrieve = spans.one('class.retrieve');
    expect(retrieve).toHaveStatus('error');
    expect(retrieve).toHaveAttributes({ 'class.id': unknown, 'error.type': 'ClassNotFoundError' });
    expect(statementsUnder(retrieve).map((span) => span.name)).toEqual(['SELECT classes']);
  });
});

describe('POST /students', () => {
  it('adds a student as student.create with one INSERT students, and never records the name', async () => {
    const response = await call('POST', '/students', { name: 'Astrid Lindgren' });

    expect(response.status).toBe(201);
    studentIds.push(response.body.id as string);
    expect(response.body).toEqual({ id: expect.any(String), name: 'Astrid Lindgren', createdAt: expect.any(String) });
    const create = spans.one('student.create');
    expect(create).toBeChildOf(await serverSpan('POST /students'));
    expect(create).toHaveAttributes({ 'student.id': response.body.id });
    expect(statementsUnder(create).map((span) => span.name)).toEqual(['INSERT students']);
    const values = spans.all().flatMap((span) => Object.values(span.attributes).map(String));
    expect(values.some((value) => value.includes('Astrid'))).toBe(false);
  });
});

describe('POST /classes/:id/enrolments', () => {
  it('enrols one student as class.create.student_enrollment, and answers 409 the second time', async () => {
    const classId = await createClass();
    const [student] = await addStudents(1);
    spans.reset();

    const first = await call('POST', `/classes/${classId}/enrolments`, { studentId: student });
    await serverSpan('POST /classes/:id/enrolments');
    const enrolment = spans.one(ENROLMENT_SPAN);
    expect(first).toMatchObject({ status: 201, body: { classId, studentId: student, enrolledAt: expect.any(String) } });
    expect(enrolment).toHaveAttributes({
      'class.id': classId,
      'class.type': 'seminar',
      'instructor.id': INSTRUCTOR,
      'student.id': student,
      'batch.size': 1,
    });
    expect(statementsUnder(enrolment).map((span) => span.name)).toEqual(['SELECT classes', 'INSERT enrolments']);
    spans.reset();

    const second = await call('POST', `/classes/${classId}/enrolments`, { studentId: student });

    expect(second).toMatchObject({
      status: 409,
      body: { message: `Student ${student} is enrolled in class ${classId} already.` },
    });
    const failed = spans.one({ name: 'INSERT enrolments', kind: SpanKind.CLIENT });
    expect(failed).toHaveStatus('error');
    expect(failed).toHaveAttributes({ 'error.type': '23505', 'db.response.status_code': '23505' });
    expect(spans.one(ENROLMENT_SPAN)).toHaveAttributes({ 'error.type': 'AlreadyEnrolledError' });
    expect(await serverSpan('POST /classes/:id/enrolments')).toHaveAttributes({ 'http.response.status_code': 409 });
    expect(await enrolledStudentIds(classId)).toEqual([student]);
  });

  it('answers 404 for an unknown student (23503) and for an unknown class (before any INSERT)', async () => {
    const classId = await createClass();
    const [student] = await addStudents(1);
    const unknownStudent = randomUUID();
    const unknownClass = randomUUID();
    spans.reset();

    const noStudent = await call('POST', `/classes/${classId}/enrolments`, { studentId: unknownStudent });
    const noClass = await call('POST', `/classes/${unknownClass}/enrolments`, { studentId: student });

    expect(noStudent).toMatchObject({ status: 404, body: { message: `Student ${unknownStudent} does not exist.` } });
    expect(noClass).toMatchObject({ status: 404, body: { message: `Class ${unknownClass} does not exist.` } });
    expect(spans.one('INSERT enrolments')).toHaveAttributes({ 'error.type': '23503' });
    expect(spans.find({ name: ENROLMENT_SPAN, attributes: { 'error.type': 'StudentNotFoundError' } })).toHaveLength(1);
    expect(spans.find({ name: ENROLMENT_SPAN, attributes: { 'error.type': 'ClassNotFoundError' } })).toHaveLength(1);
    expect(await enrolledStudentIds(classId)).toEqual([]);
  });
});

describe('POST /classes/:id/enrolments/bulk', () => {
  it('enrols every student in one committed transaction, its INSERTs under class.create.student_enrollment', async () => {
    const classId = await createClass('Swedish 1', 'lecture');
    const students = await addStudents(3);
    spans.reset();

    const response = await call('POST', `/classes/${classId}/enrolments/bulk`, { studentIds: students });

    expect(response.status).toBe(201);
    expect(response.body.classId).toBe(classId);
    expect((response.body.enrolled as Array<{ studentId: string }>).map((item) => item.studentId)).toEqual(students);
    const server = await serverSpan('POST /classes/:id/enrolments/bulk');
    expect(server).toHaveAttributes({ 'http.route': '/classes/:id/enrolments/bulk', 'http.response.status_code': 201 });
    const enrolment = spans.one(ENROLMENT_SPAN);
    expect(enrolment).toBeChildOf(server);
    expect(enrolment).toHaveAttributes({
      'class.id': classId,
      'class.type': 'lecture',
      'instructor.id': INSTRUCTOR,
      'batch.size': 3,
      'result.count': 3,
      'operation.result': 'success',
    });
    const transaction = spans.one(/^TRANSACTION\b/);
    expect(transaction).toBeChildOf(enrolment);
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'commit', 'db.system.name': 'postgresql' });
    expect(statementsUnder(enrolment).map((span) => span.name)).toEqual(['SELECT classes']);
    expect(statementsUnder(transaction).map((span) => span.name)).toEqual([
      'START TRANSACTION',
      'INSERT enrolments',
      'INSERT enrolments',
      'INSERT enrolments',
      'COMMIT',
    ]);
    for (const insert of spans.byName('INSERT enrolments')) {
      expect(insert).toHaveAttributes({ 'db.system.name': 'postgresql', 'db.collection.name': 'enrolments' });
      expect(insert).toHaveStatus('unset');
    }
    expect(await enrolledStudentIds(classId)).toEqual([...students].sort());
  });

  it('rolls everything back when one student is enrolled already: 409, outcome rollback, no new rows', async () => {
    const classId = await createClass();
    const [enrolled, second, third] = await addStudents(3);
    expect((await call('POST', `/classes/${classId}/enrolments`, { studentId: enrolled })).status).toBe(201);
    spans.reset();

    const response = await call('POST', `/classes/${classId}/enrolments/bulk`, {
      studentIds: [second, enrolled, third],
    });

    expect(response).toMatchObject({
      status: 409,
      body: { message: `Student ${enrolled} is enrolled in class ${classId} already.` },
    });
    const server = await serverSpan('POST /classes/:id/enrolments/bulk');
    expect(server).toHaveAttributes({ 'http.response.status_code': 409 });
    const enrolment = spans.one(ENROLMENT_SPAN);
    expect(enrolment).toHaveStatus('error');
    expect(enrolment).toHaveAttributes({ 'error.type': 'AlreadyEnrolledError', 'batch.size': 3 });
    const transaction = spans.one(/^TRANSACTION\b/);
    expect(transaction).toBeChildOf(enrolment);
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'rollback' });
    expect(transaction).not.toHaveStatus('error');
    const statements = statementsUnder(transaction);
    expect(statements.map((span) => span.name)).toEqual([
      'START TRANSACTION',
      'INSERT enrolments',
      'INSERT enrolments',
      'ROLLBACK',
    ]);
    // the second student's INSERT went through, the duplicate's failed, the third was never tried
    expect(statements[1]).toHaveStatus('unset');
    expect(statements[2]).toHaveStatus('error');
    expect(statements[2]).toHaveAttributes({ 'error.type': '23505', 'db.response.status_code': '23505' });
    expect(statements[2].status.message).toBe('SQLSTATE 23505');
    expect(await enrolledStudentIds(classId)).toEqual([enrolled]);
  });

  it('rolls everything back for an unknown student: 404, the failing INSERT with 23503, no rows kept', async () => {
    const classId = await createClass();
    const [known] = await addStudents(1);
    const unknown = randomUUID();
    spans.reset();

    const response = await call('POST', `/classes/${classId}/enrolments/bulk`, { studentIds: [known, unknown] });

    expect(response).toMatchObject({ status: 404, body: { message: `Student ${unknown} does not exist.` } });
    expect(await serverSpan('POST /classes/:id/enrolments/bulk')).toHaveAttributes({
      'http.response.status_code': 404,
    });
    const transaction = spans.one(/^TRANSACTION\b/);
    expect(transaction).toHaveAttributes({ 'db.transaction.outcome': 'rollback' });
    const [accepted, failed] = spans.byName('INSERT enrolments');
    expect(accepted).toBeChildOf(transaction);
    expect(failed).toBeChildOf(transaction);
    expect(failed).toHaveStatus('error');
    expect(failed).toHaveAttributes({ 'error.type': '23503', 'db.response.status_code': '23503' });
    expect(spans.one(ENROLMENT_SPAN)).toHaveAttributes({ 'error.type': 'StudentNotFoundError' });
    expect(await enrolledStudentIds(classId)).toEqual([]);
  });

  it('answers 404 for an unknown class before starting a transaction', async () => {
    const [student] = await addStudents(1);
    const unknown = randomUUID();
    spans.reset();

    const response = await call('POST', `/classes/${unknown}/enrolments/bulk`, { studentIds: [student] });

    expect(response.status).toBe(404);
    await serverSpan('POST /classes/:id/enrolments/bulk');
    expect(spans).toHaveSpanCount(0, /^TRANSACTION\b/);
    expect(spans).toHaveSpanCount(0, 'INSERT enrolments');
    expect(spans.one(ENROLMENT_SPAN)).toHaveAttributes({ 'error.type': 'ClassNotFoundError', 'class.id': unknown });
  });

  it.each([
    ['no list', {}],
    ['an empty list', { studentIds: [] }],
    ['an id that is no UUID', { studentIds: ['student-1'] }],
  ])('answers 400 for %s, before class.create.student_enrollment', async (_kind, body) => {
    const classId = await createClass();
    spans.reset();

    const response = await call('POST', `/classes/${classId}/enrolments/bulk`, body);

    expect(response.status).toBe(400);
    await serverSpan('POST /classes/:id/enrolments/bulk');
    expect(spans.all().map((span) => span.name)).toEqual(['POST /classes/:id/enrolments/bulk']);
  });
});
