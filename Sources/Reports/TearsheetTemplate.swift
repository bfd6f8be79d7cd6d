/// The tearsheet's Mustache template: one self-contained page (styles inline, charts inline SVG,
/// no script, nothing fetched).
enum TearsheetTemplate {
    static let text = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} — mlbot report</title>
    <style>{{{css}}}
    #logscale:checked ~ .linear, #logscale:not(:checked) ~ .log { display: none; }
    .toggle { font-size: 13px; color: var(--muted); }
    </style>
    </head>
    <body>
    <header><h1>{{title}}</h1><span class="sub">{{subtitle}}</span></header>
    <main>
    <section class="wide" id="headline">
    <h2>Headline figures</h2>
    <div class="figures">
    {{#figures}}<div class="figure" data-key="{{key}}"><div class="label">{{label}}</div><div class="value {{tone}}">{{value}}</div></div>
    {{/figures}}
    </div>
    {{#noTrades}}<p class="box" id="no-trades">{{noTrades}}</p>{{/noTrades}}
    </section>
    {{#honesty}}
    <section class="wide" id="honesty">
    <h2>How honest is this result?</h2>
    <div class="box">
    <p>Found among <strong>{{trials}}</strong> trials. Deflated Sharpe ratio <strong>{{dsr}}</strong> (the chance the true Sharpe is above zero after the number of trials is accounted for); probabilistic Sharpe ratio <strong>{{psr}}</strong>.</p>
    <p>Sharpe in sample <strong>{{inSample}}</strong>, out of sample <strong>{{outOfSample}}</strong>: degradation <strong>{{degradation}}</strong>.</p>
    </div>
    </section>
    {{/honesty}}
    {{#charts}}
    <section class="wide" id="equity">
    <h2>Equity against buy and hold of {{symbol}}</h2>
    <input type="checkbox" id="logscale"> <label class="toggle" for="logscale">log scale</label>
    <div class="linear">{{{equityLinear}}}</div>
    <div class="log">{{{equityLog}}}</div>
    </section>
    <section class="wide" id="underwater"><h2>Underwater (drawdown from the high)</h2>{{{underwater}}}</section>
    <section class="wide" id="monthly"><h2>Monthly returns</h2>{{{monthly}}}</section>
    <section id="rolling"><h2>Rolling Sharpe</h2>{{{rolling}}}</section>
    <section id="distribution"><h2>Distribution of trade returns</h2>{{{distribution}}}</section>
    {{#exposure}}<section class="wide" id="exposure-chart"><h2>Exposure</h2>{{{exposure}}}</section>{{/exposure}}
    {{/charts}}
    {{#model}}
    <section id="calibration">
    <h2>Model calibration — {{name}}</h2>
    <p>Expected calibration error <strong>{{ece}}</strong>{{#eceUncalibrated}} (before calibration {{eceUncalibrated}}){{/eceUncalibrated}}. Each point is a bin of predicted P(up) against how often the price went up in it; on the diagonal, a prediction of 0.6 comes true 60 % of the time.</p>
    {{{reliability}}}
    </section>
    <section id="folds">
    <h2>Walk-forward folds</h2>
    <table><tr><th>fold</th><th class="num">test rows</th><th class="num">AUC</th><th class="num">log loss</th><th class="num">Brier</th><th class="num">accuracy</th></tr>
    {{#folds}}<tr><td>{{fold}}</td><td class="num">{{rows}}</td><td class="num">{{auc}}</td><td class="num">{{logLoss}}</td><td class="num">{{brier}}</td><td class="num">{{accuracy}}</td></tr>
    {{/folds}}
    </table>
    </section>
    {{/model}}
    <section id="costs">
    <h2>Costs</h2>
    <table>
    {{#costs}}<tr><td>{{label}}</td><td class="num">{{value}}</td></tr>
    {{/costs}}
    </table>
    </section>
    <section id="risk">
    <h2>Risk manager</h2>
    {{#hasRisk}}
    <table><tr><th>rule</th><th class="num">vetoes</th><th class="num">resizes</th></tr>
    {{#riskRows}}<tr><td>{{rule}}</td><td class="num">{{vetoes}}</td><td class="num">{{resizes}}</td></tr>
    {{/riskRows}}
    </table>
    {{{riskChart}}}
    {{/hasRisk}}
    {{^hasRisk}}<p class="note">{{riskNote}}</p>{{/hasRisk}}
    </section>
    {{#hasNotes}}
    <section class="wide" id="notes"><h2>Not in this report</h2><ul>{{#notes}}<li>{{.}}</li>{{/notes}}</ul></section>
    {{/hasNotes}}
    </main>
    </body>
    </html>
    """#
}
