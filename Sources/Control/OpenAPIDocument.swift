import Foundation
import Yams

/// The API's OpenAPI 3 document, the same text as `openapi.yaml` at the repository root (a test
/// keeps them identical and checks every route against it); served as JSON at /openapi.json.
public enum OpenAPIDocument {
    public static let yaml = #"""
openapi: 3.0.3
info:
  title: mlbot service API
  version: "1"
  description: >-
    The read API and the control center of `mlbot serve`. JSON bodies use snake_case keys; a key
    is always present and null when it has no value. Errors are {"error", "kind"} with the status
    the kind maps to. Every /control route needs a bearer token (read: GET; control: settings and
    commands, tightening risk limits only; admin: tokens and loosening a limit); the other reads
    need a read token when the service was started with --allow-remote. 401: no, a wrong, an
    expired or a revoked token; 403: the role does not allow it; 429: more than 10 failures a
    minute from one address (for a minute). Every refusal is in the audit trail.
servers:
  - url: http://127.0.0.1:8080
paths:
  /:
    get:
      summary: The dashboard page (HTML, script and styles inline; no data until a read token is entered).
      responses:
        "200": {description: the page, content: {text/html: {schema: {type: string}}}}
  /dashboard/data:
    get:
      summary: The dashboard after the last committed bar, its panels rendered (needs a read token, also on loopback).
      security: [{bearer: []}]
      responses:
        "200": {description: dashboard, content: {application/json: {schema: {$ref: "#/components/schemas/Dashboard"}}}}
        "401": {description: no or a wrong token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /dashboard/events:
    get:
      summary: >-
        Server-sent events: the current dashboard at once (a reconnect catches up), then one `bar` event after a committed bar at
        most (checked four times a second; `id` is the bar count), a comment every 15 s when idle (needs a read token).
      security: [{bearer: []}]
      responses:
        "200": {description: "event stream; each event's data is a Dashboard object", content: {text/event-stream: {schema: {type: string}}}}
        "401": {description: no or a wrong token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /health:
    get:
      summary: The process is alive.
      responses:
        "200": {description: alive, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
  /ready:
    get:
      summary: Warm, the store answers and the feed is fresh.
      responses:
        "200": {description: ready, content: {application/json: {schema: {$ref: "#/components/schemas/Ready"}}}}
        "503": {description: not ready, with the reasons, content: {application/json: {schema: {$ref: "#/components/schemas/Ready"}}}}
  /status:
    get:
      summary: Mode, trading state, equity, limits, strategies, last bar and lag.
      responses:
        "200": {description: status, content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
  /strategies:
    get:
      summary: The strategies the service trades.
      responses:
        "200": {description: strategies, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Strategy"}}}}}
  /positions:
    get:
      summary: The account's position per symbol and each strategy's sub-ledger.
      responses:
        "200": {description: positions, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Position"}}}}}
  /orders:
    get:
      summary: The newest orders at or after `since`, oldest first.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: orders, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Order"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /orders/{id}:
    get:
      summary: Why an order exists, its decision lineage.
      parameters:
        - {name: id, in: path, required: true, description: the client order id, schema: {type: string}}
      responses:
        "200": {description: the order, its fills, each contributing strategy's signal and lineage, the risk events of its bar, content: {application/json: {schema: {$ref: "#/components/schemas/Explanation"}}}}
        "404": {description: no such order, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /fills:
    get:
      summary: The newest fills at or after `since`, oldest first.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: fills, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Fill"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /equity:
    get:
      summary: The equity curve, one point per committed bar-time.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: equity, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/EquityPoint"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /risk:
    get:
      summary: Limits, trading state and the recent risk events with their figures.
      responses:
        "200": {description: risk, content: {application/json: {schema: {$ref: "#/components/schemas/Risk"}}}}
  /metrics:
    get:
      summary: Prometheus metrics in the text exposition format.
      responses:
        "200": {description: metrics, content: {text/plain: {schema: {type: string}}}}
  /openapi.json:
    get:
      summary: This document.
      responses:
        "200": {description: the OpenAPI document, content: {application/json: {schema: {type: object}}}}
  /control/settings:
    get:
      summary: Every setting in force (or one, with ?key=) with its default, source, type, range and description.
      security: [{bearer: []}]
      parameters:
        - {name: key, in: query, required: false, schema: {type: string}}
      responses:
        "200": {description: settings, content: {application/json: {schema: {$ref: "#/components/schemas/Settings"}}}}
        "400": {description: an unknown key, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "401": {description: no valid token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    post:
      summary: Change a setting from the next bar (a new settings version and an audit row, in one transaction).
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [key, value]
              properties:
                key: {type: string, enum: [confidence, max-drawdown, max-daily-loss, max-correlation, max-position, max-gross-exposure, max-daily-trades, portfolio-method, enabled]}
                value: {description: "a number, a word or a boolean, as the key's type; strings are parsed"}
                strategy: {type: string, description: "confidence and enabled only"}
                reason: {type: string}
                dry_run: {type: boolean, description: "show old and new, apply nothing"}
      responses:
        "200": {description: applied (or unchanged, or a dry run), content: {application/json: {schema: {$ref: "#/components/schemas/SetResult"}}}}
        "400": {description: unknown key, wrong type, out of range, malformed body, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "401": {description: no valid token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "403": {description: a read token, or a control token loosening a risk limit, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "429": {description: too many failures from this address, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /control/commands:
    post:
      summary: "An operator command: pause, resume, halt, flatten, strategy-enable, strategy-disable (applied at the next bar); model-rollback (the model before the active one, swapped in at the next bar); jobs-run (a job's run, started now)."
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [command]
              properties:
                command: {type: string, enum: [pause, resume, halt, flatten, strategy-enable, strategy-disable, model-rollback, jobs-run]}
                args: {type: object, properties: {strategy: {type: string, description: "strategy-enable, strategy-disable, model-rollback"}, name: {type: string, description: "jobs-run: the job"}}}
                reason: {type: string}
      responses:
        "200": {description: stored, or changed nothing (and says so), content: {application/json: {schema: {$ref: "#/components/schemas/CommandResult"}}}}
        "400": {description: an unknown command or a missing argument, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "401": {description: no valid token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "403": {description: a read token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "404": {description: no such strategy or job, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "409": {description: "model-rollback: no earlier version; jobs-run: the job is already running, or the service runs no jobs", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /control/history:
    get:
      summary: The audit trail, newest first.
      security: [{bearer: []}]
      parameters:
        - {$ref: "#/components/parameters/limit"}
      responses:
        "200": {description: entries, content: {application/json: {schema: {$ref: "#/components/schemas/History"}}}}
        "401": {description: no valid token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /control/tokens:
    get:
      summary: The named tokens (never their secrets).
      security: [{bearer: []}]
      responses:
        "200": {description: tokens, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Token"}}}}}
        "403": {description: not an admin token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
    post:
      summary: Create a token; its secret is in this answer only.
      security: [{bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name, role]
              properties: {name: {type: string}, role: {type: string, enum: [read, control, admin]}, expires_in_days: {type: number}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/NewToken"}}}}
        "400": {description: a bad name, role or lifetime, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "403": {description: not an admin token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "409": {description: the name exists, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /control/tokens/{name}:
    delete:
      summary: Revoke a token.
      security: [{bearer: []}]
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: revoked, content: {application/json: {schema: {type: object, required: [revoked], properties: {revoked: {type: string}}}}}}
        "404": {description: no such token, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "409": {description: already revoked, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  parameters:
    limit: {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 10000, default: 100}}
    since: {name: since, in: query, required: false, description: ISO-8601 time or epoch ms, schema: {type: string}}
  schemas:
    Health:
      type: object
      required: [status]
      properties: {status: {type: string}}
    Ready:
      type: object
      required: [ready, reasons]
      properties: {ready: {type: boolean}, reasons: {type: array, items: {type: string}}}
    Error:
      type: object
      required: [error, kind]
      properties: {error: {type: string}, kind: {type: string, enum: [bad_input, not_found, conflict, refused, internal]}}
    Status:
      type: object
      required: [mode, feed, database, started, trading, trading_cause, equity, pnl_today, drawdown, max_drawdown, daily_loss,
                 max_daily_loss, confidence, settings_version, last_bar, lag_seconds, bar_times, warm, feed_stale, strategies, jobs]
      properties:
        mode: {type: string}
        feed: {type: string}
        database: {type: string}
        started: {type: string}
        trading: {type: string, enum: [ACTIVE, REDUCING, HALTED]}
        trading_cause: {type: string, nullable: true}
        settings_version: {type: integer, description: the settings version in force at the last bar}
        equity: {type: number}
        pnl_today: {type: number}
        drawdown: {type: number}
        max_drawdown: {type: number}
        daily_loss: {type: number}
        max_daily_loss: {type: number}
        confidence: {type: number, nullable: true}
        last_bar: {type: string, nullable: true}
        lag_seconds: {type: number, nullable: true}
        bar_times: {type: integer}
        warm: {type: boolean}
        feed_stale: {type: boolean, description: "A live feed with no closed bar for 2 intervals: entries are refused until it catches up."}
        strategies: {type: array, items: {$ref: "#/components/schemas/Strategy"}}
        jobs: {type: array, items: {$ref: "#/components/schemas/Job"}, description: the scheduled jobs this service runs}
    Job:
      type: object
      required: [name, schedule, next, running, last_run, last_status]
      properties:
        name: {type: string}
        schedule: {type: string, description: 5-field cron expression (UTC)}
        next: {type: string, nullable: true, description: the next cron time}
        running: {type: boolean}
        last_run: {type: string, nullable: true, description: when the newest run started}
        last_status: {type: string, nullable: true, enum: [running, succeeded, failed, timed_out, skipped, null]}
    Dashboard:
      type: object
      required: [bar_times, last_bar, equity, trading, finished, html]
      properties:
        bar_times: {type: integer, description: bar-times this service committed}
        last_bar: {type: string, nullable: true}
        equity: {type: number}
        trading: {type: string, enum: [ACTIVE, REDUCING, HALTED]}
        finished: {type: boolean, description: a replay reached its end (the stream ends after this event)}
        html: {type: string, description: "the panels: figures, SVG charts, tables"}
    Strategy:
      type: object
      required: [name, symbol, interval, model, model_created_ms, model_trained_through_ms, model_expired, trading_from_ms, last_probability, last_target,
                 last_threshold, enabled, pnl]
      properties:
        name: {type: string}
        symbol: {type: string}
        interval: {type: string}
        model: {type: string, nullable: true}
        model_created_ms: {type: integer, nullable: true}
        model_trained_through_ms: {type: integer, nullable: true, description: the last bar the model was trained on; its age is the bar time since}
        model_expired: {type: boolean, description: "past models.max_age: exits only until a fresher model is promoted"}
        trading_from_ms: {type: integer}
        last_probability: {type: number, nullable: true}
        last_target: {type: number, nullable: true}
        last_threshold: {type: number, nullable: true, description: the confidence threshold in force at the last signal}
        enabled: {type: boolean, description: false after `control strategy disable` (exits only)}
        pnl: {type: number}
        allocation: {type: number, nullable: true, description: the strategy's portfolio weight at the last bar}
    Position:
      type: object
      required: [account, symbol, quantity, average_price, realized_pnl, cash, fees]
      properties:
        account: {type: string}
        symbol: {type: string}
        quantity: {type: string}
        average_price: {type: string}
        realized_pnl: {type: string}
        cash: {type: string}
        fees: {type: string}
    Order:
      type: object
      required: [client_order_id, symbol, side, quantity, decided, reduce_only, status]
      properties:
        client_order_id: {type: string}
        symbol: {type: string}
        side: {type: string, enum: [Buy, Sell]}
        quantity: {type: string}
        decided: {type: string}
        reduce_only: {type: boolean}
        status: {type: string}
    Fill:
      type: object
      required: [client_order_id, symbol, side, quantity, price, fee, time]
      properties:
        client_order_id: {type: string}
        symbol: {type: string}
        side: {type: string, enum: [Buy, Sell]}
        quantity: {type: string}
        price: {type: string}
        fee: {type: string}
        time: {type: string}
    Explanation:
      type: object
      required: [order, fills, contributions, risk_events]
      properties:
        order:
          type: object
          required: [client_order_id, symbol, side, quantity, decided_ms, reduce_only, status, contributions]
        fills: {type: array, items: {type: object, required: [client_order_id, seq, symbol, side, quantity, price, fee, time_ms]}}
        contributions:
          type: array
          items:
            type: object
            required: [strategy, steps]
            properties:
              strategy: {type: string}
              steps: {type: integer}
              probability: {type: number}
              threshold: {type: number}
              target: {type: number}
              bars_hash: {type: string, description: chained SHA-256 of every bar of the symbol up to the decision bar}
              settings_version: {type: integer}
              feature_set: {type: string}
              feature_hash: {type: string}
              model: {type: string, description: name@version; absent for a rule strategy}
              weights_sha256: {type: string}
              spec_hash: {type: string}
        risk_events: {type: array, items: {type: object, required: [kind, rule, message, figures]}}
    EquityPoint:
      type: object
      required: [time, equity, cash, trading]
      properties: {time: {type: string}, equity: {type: number}, cash: {type: string}, trading: {type: string}}
    Settings:
      type: object
      required: [settings_version, settings]
      properties:
        settings_version: {type: integer}
        settings:
          type: array
          items:
            type: object
            required: [key, strategy, value, default_value, source, version, type, allowed, description]
            properties:
              key: {type: string}
              strategy: {type: string, nullable: true}
              value: {type: string, nullable: true}
              default_value: {type: string, nullable: true}
              source: {type: string, enum: [default, config, stored]}
              version: {type: integer, nullable: true}
              type: {type: string, enum: [number, integer, choice, boolean]}
              allowed: {type: string}
              description: {type: string}
    SetResult:
      type: object
      required: [key, strategy, old, new, version, applied, dry_run, message]
      properties:
        key: {type: string}
        strategy: {type: string, nullable: true}
        old: {type: string, nullable: true}
        new: {type: string}
        version: {type: integer, nullable: true}
        applied: {type: boolean}
        dry_run: {type: boolean}
        message: {type: string}
    CommandResult:
      type: object
      required: [command, changed, message]
      properties: {command: {type: string}, changed: {type: boolean}, message: {type: string}}
    History:
      type: object
      required: [entries]
      properties:
        entries:
          type: array
          items:
            type: object
            required: [time, token, role, source, action, key, strategy, old_value, new_value, reason, outcome, status]
            properties:
              time: {type: string}
              token: {type: string, nullable: true}
              role: {type: string, nullable: true}
              source: {type: string}
              action: {type: string}
              key: {type: string, nullable: true}
              strategy: {type: string, nullable: true}
              old_value: {type: string, nullable: true}
              new_value: {type: string, nullable: true}
              reason: {type: string}
              outcome: {type: string, enum: [applied, unchanged, unauthorized, forbidden, invalid, rate_limited]}
              status: {type: integer}
    Token:
      type: object
      required: [name, role, created, expires, last_used, revoked]
      properties: {name: {type: string}, role: {type: string}, created: {type: string}, expires: {type: string, nullable: true},
                   last_used: {type: string, nullable: true}, revoked: {type: string, nullable: true}}
    NewToken:
      type: object
      required: [name, role, token, expires]
      properties: {name: {type: string}, role: {type: string}, token: {type: string}, expires: {type: string, nullable: true}}
    Risk:
      type: object
      required: [trading, cause, drawdown, limits, recent]
      properties:
        trading: {type: string}
        cause: {type: string, nullable: true}
        drawdown: {type: number}
        limits: {type: object}
        recent:
          type: array
          items:
            type: object
            required: [time, kind, rule, message, figures]
            properties: {time: {type: string}, kind: {type: string}, rule: {type: string}, message: {type: string}, figures: {type: string}}

"""#

    /// The document as JSON, converted once.
    public static let json: Data = {
        // The text is fixed and tested; a failure here is a programming error.
        let object = try! Yams.load(yaml: yaml)!
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }()
}
