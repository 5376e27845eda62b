"""The page's stylesheet (injected by the source panel, so it applies however the UI is mounted)."""

CSS = """
:root, .dark {
  --color-accent: #1d4ed8; --color-accent-soft: #dbeafe; --border-color-accent: #93c5fd;
  --button-primary-background-fill: #1d4ed8; --button-primary-background-fill-hover: #1e40af;
  --button-primary-border-color: #1d4ed8; --button-primary-border-color-hover: #1e40af;
  --button-primary-text-color: #ffffff; --loader-color: #1d4ed8;
  --checkbox-background-color-selected: #1d4ed8; --checkbox-border-color-selected: #1d4ed8;
}
/* small grey text at 4.5:1 or better (WCAG 2.2 AA): the theme's #94a3b8 is 2.5:1 on white */
:root { --body-text-color-subdued: #475569; --block-info-text-color: #475569;
  --input-placeholder-color: #64748b; --block-label-text-color: #475569; }
.dark { --body-text-color-subdued: #cbd5e1; --block-info-text-color: #cbd5e1;
  --input-placeholder-color: #94a3b8; --block-label-text-color: #cbd5e1; }
:is(button, a, input, textarea, select, summary, [role="tab"], [tabindex]):focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
#app-header h1 { margin: 0 0 2px 0; font-size: 1.6rem; font-weight: 650;
  letter-spacing: -0.01em; }
[role="tabpanel"] .prose h2 { font-size: 1.15rem; margin: 6px 0 4px; font-weight: 650; }
.panel-title h2 { margin: 0 !important; }
#chat-toolbar { justify-content: flex-end; }
#source-head { align-items: center; flex-wrap: nowrap; }
#source-close { display: none; }
.ia-cards { display: none; }
#documents-table table, #documents-table td, #documents-table th, #documents-table span {
  font-family: var(--font) !important; }
#feedback-row { align-items: center; }
#app-header { border-bottom: 1px solid var(--border-color-primary); margin-bottom: 4px; }
#app-header p { margin: 0 0 8px 0; color: var(--body-text-color-subdued); }
#empty-state { background: #fff8e6; border: 1px solid #f3d98b; border-radius: 6px;
  padding: 10px 14px; }

a.cite { display: inline-block; padding: 0 4px; margin: 0 1px; border-radius: 4px;
  background: #e8f0fe; color: #1a56db !important; font-weight: 600; font-size: 0.85em;
  text-decoration: none !important; cursor: pointer; line-height: 1.5; }
a.cite:hover, a.cite.active { background: #1a56db; color: #fff !important; }

#chat .message .prose { opacity: 1 !important; }  /* Gradio dims the latest message */
.ia-answer p { margin: 0 0 8px 0; }
.ia-answer ul, .ia-answer ol { margin: 0 0 8px 0; padding-left: 1.4em; }
.ia-answer ul { list-style: disc; }
.ia-answer li { margin: 1px 0; }
.ia-answer blockquote.ia-quote { margin: 0 0 10px 0; padding: 4px 10px;
  border-left: 3px solid #2563eb; background: #f1f5f9; border-radius: 0 6px 6px 0;
  color: #1e293b; }
.dark .ia-answer blockquote.ia-quote { background: #1e293b; color: #e2e8f0; }
.ia-answer blockquote.ia-quote p:last-child, .ia-answer blockquote.ia-quote ul:last-child {
  margin-bottom: 0; }
.ia-answer .ia-rewrite { color: var(--body-text-color-subdued); font-size: 0.9em; }
.ia-answer .ia-refused { background: #fff4e5; border-left: 3px solid #f59e0b; padding: 6px 10px;
  border-radius: 4px; }
.ia-answer .ia-note { margin: 12px 0 4px 0; font-size: 0.85em; font-weight: 600;
  color: #475569; }
ol.ia-sources { list-style: none !important; padding-left: 0 !important; margin: 0;
  font-size: 0.88em; }
ol.ia-sources li { margin: 3px 0; }
ol.ia-sources .src-where { color: #475569; }
.ia-error { background: #fdecec; border-left: 3px solid #dc2626; padding: 6px 10px;
  border-radius: 4px; }
.ia-thinking { color: var(--body-text-color-subdued); font-style: italic; }

#source-panel { min-height: 200px; }
.ia-placeholder { color: var(--body-text-color-subdued); padding: 18px; text-align: center;
  border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.ia-source { border: 1px solid var(--border-color-primary); border-radius: 8px;
  background: var(--background-fill-primary); overflow: hidden; }
.ia-source .src-head { padding: 10px 14px; background: var(--background-fill-secondary);
  border-bottom: 1px solid var(--border-color-primary); }
.ia-source .src-label { font-weight: 650; }
.ia-source .src-page { font-weight: 400; font-size: 0.85em; margin-left: 6px; padding: 1px 6px;
  border-radius: 10px; background: #e8f0fe; color: #1a56db; }
.ia-source .src-path { font-size: 0.88em; margin-top: 2px; }
.ia-source .src-title { font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 2px; }
.ia-source .src-body { padding: 12px 14px; white-space: pre-wrap; line-height: 1.55;
  max-height: 62vh; overflow-y: auto; font-size: 0.93em; }
.ia-source mark { background: #fef3c7; color: inherit; padding: 1px 0; border-radius: 2px; }
.ia-source mark.current { background: #fde68a; box-shadow: 0 0 0 2px #fde68a; }

ul.ia-tree { list-style: none; margin: 0; padding: 4px 0; max-height: 60vh; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 8px; }
ul.ia-tree li { padding: 1px 6px; }
ul.ia-tree li.level-1 { font-weight: 600; margin-top: 4px; }
button.tree-link { all: unset; box-sizing: border-box; display: flex; gap: 8px; width: 100%;
  align-items: baseline; padding: 3px 6px; border-radius: 4px; cursor: pointer; }
button.tree-link:hover { background: #eff6ff; }
button.tree-link[aria-current] { background: #dbeafe; box-shadow: inset 3px 0 0 #1d4ed8; }
ul.ia-tree .tree-heading { flex: 1; }
ul.ia-tree .tree-page { font-size: 0.8em; color: var(--body-text-color-subdued);
  white-space: nowrap; }
.grade { font-size: 0.75em; padding: 1px 7px; border-radius: 10px; white-space: nowrap;
  background: #eef2f7; color: #334155; font-weight: 600; }
.grade-outstanding, .grade-good { background: #dcfce7; color: #166534; }
.grade-adequate { background: #fef9c3; color: #854d0e; }
.grade-requires-improvement, .grade-inadequate { background: #fee2e2; color: #991b1b; }

.ia-error p, #upload-status .ia-error { margin: 0; }

/* tables as cards (phones) */
ul.ia-cards { list-style: none; margin: 0; padding: 0; }
.ia-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin-bottom: 8px; background: var(--background-fill-primary); }
.ia-card .card-title { font-weight: 650; margin-bottom: 4px; overflow-wrap: anywhere; }
.ia-card dl { margin: 0; }
.ia-card dl > div { display: flex; gap: 8px; padding: 2px 0; font-size: 0.92em; }
.ia-card dt { flex: 0 0 38%; color: var(--body-text-color-subdued); font-weight: 600; }
.ia-card dd { margin: 0; flex: 1; min-width: 0; overflow-wrap: anywhere; }
.ia-card dd ul { margin: 2px 0 0; padding-left: 1.1em; }
.ia-card dd p { margin: 0; }

/* phones: the source panel is a drawer over the chat, tables are cards, charts stack */
@media (max-width: 760px) {
  #source-col { position: fixed !important; top: 0; right: 0; bottom: 0; z-index: 1000;
    width: min(94vw, 480px) !important; max-width: none !important; min-width: 0 !important;
    margin: 0 !important; padding: 0 12px 10px; overflow-y: auto; overflow-x: hidden;
    flex-wrap: nowrap !important;
    background: var(--background-fill-primary); box-shadow: -6px 0 24px rgba(15, 23, 42, 0.3);
    transform: translateX(105%); visibility: hidden;
    transition: transform 0.2s ease, visibility 0s linear 0.2s; }
  body.ia-source-open #source-col { transform: none; visibility: visible;
    transition: transform 0.2s ease; }
  #source-col > * { flex: none !important; }
  /* no transition of its own: the drawer's visibility would reach it a frame late, and a
     focus() in that frame is lost */
  #source-close { display: inline-flex; transition: none; }
  #source-head { position: sticky; top: 0; z-index: 1; padding: 10px 0 6px;
    background: var(--background-fill-primary); }
  .ia-source .src-body { max-height: none; }
  .wide-only { display: none !important; }
  .ia-cards { display: block; }
  #findings-charts { flex-direction: column; }
  #findings-charts > * { width: 100% !important; min-width: 100% !important; }
  #question-row { flex-wrap: nowrap; }
}

/* the Findings tab */
#findings-table table, #findings-table td, #findings-table th, #findings-table span {
  font-family: var(--font) !important; }
#findings-summary p { margin: 4px 0; }
#findings-filters, #compare-form { align-items: flex-end; }
#findings-filters > button, #compare-form > button { margin-bottom: 6px; }
.section-title { margin-top: 18px; padding-top: 12px;
  border-top: 1px solid var(--border-color-primary); }
.section-title h3 { margin: 0; }
.ia-chart { margin: 0; padding: 12px 14px 8px; border: 1px solid var(--border-color-primary);
  border-radius: 8px; background: var(--background-fill-primary); height: 100%;
  box-sizing: border-box; }
.ia-chart figcaption { font-weight: 650; margin-bottom: 2px; }
.ia-chart svg { display: block; max-width: 640px; }
.ia-chart .chart-group { font-weight: 650; font-size: 12.5px; fill: var(--body-text-color); }
.ia-chart .chart-label { fill: var(--body-text-color); }
.ia-chart .chart-value { fill: var(--body-text-color-subdued); font-weight: 600; }
.ia-chart .chart-note { margin: 6px 0 0; font-size: 0.85em;
  color: var(--body-text-color-subdued); }

.ia-compare .cmp-head { margin: 4px 0 10px; }
.ia-compare .cmp-cols { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
@media (max-width: 900px) { .ia-compare .cmp-cols { grid-template-columns: 1fr; } }
.ia-compare .cmp-side { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 14px; background: var(--background-fill-primary); }
.ia-compare h3 { margin: 0; font-size: 1.08em; }
.ia-compare h4 { margin: 12px 0 4px; font-size: 0.8em; text-transform: uppercase;
  letter-spacing: 0.05em; color: var(--body-text-color-subdued); }
.ia-compare .cmp-id { font-weight: 400; font-size: 0.8em; color: var(--body-text-color-subdued); }
.ia-compare .cmp-doc-title { font-size: 0.85em; color: var(--body-text-color-subdued); }
.ia-compare ol.cmp-list { list-style: none; padding: 0; margin: 0; }
.ia-compare .cmp-item { display: flex; gap: 8px; padding: 7px 6px; border-radius: 6px;
  border-bottom: 1px solid var(--border-color-primary); }
.ia-compare .cmp-item:last-child { border-bottom: none; }
.ia-compare .cmp-item:target { background: #fef9c3; }
.ia-compare .cmp-n { font-weight: 650; color: #1a56db; font-size: 0.85em; min-width: 26px;
  padding-top: 2px; }
.ia-compare .cmp-body { flex: 1; min-width: 0; }
.ia-compare .cmp-tags { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 2px; }
.ia-compare .cmp-title { font-weight: 600; }
.ia-compare blockquote, .ia-quiz blockquote { margin: 4px 0; padding: 2px 0 2px 10px;
  border-left: 3px solid #cbd5e1; color: #334155; font-size: 0.9em; }
.ia-compare .cmp-where { font-size: 0.8em; color: var(--body-text-color-subdued); }
.ia-compare .cmp-none { color: var(--body-text-color-subdued); font-style: italic; }
.ftype, .fdetail { font-size: 0.72em; padding: 1px 7px; border-radius: 10px; font-weight: 600;
  background: #e0e7ff; color: #3730a3; white-space: nowrap; }
.fdetail { background: #eef2f7; color: #334155; }
.fdetail.practice-good { background: #dcfce7; color: #166534; }
.fdetail.practice-poor { background: #fee2e2; color: #991b1b; }
.fdetail.practice-mixed { background: #fef9c3; color: #854d0e; }
.ia-compare .cmp-changes { margin-top: 16px; }
.ia-compare .cmp-caveat { margin: 2px 0 8px; font-size: 0.85em;
  color: var(--body-text-color-subdued); }
.ia-compare ul.chg-list { list-style: none; padding: 0; margin: 0; }
.ia-compare .chg { border-left: 4px solid #94a3b8; padding: 6px 12px; margin-bottom: 8px;
  background: var(--background-fill-secondary); border-radius: 0 6px 6px 0; }
.ia-compare .chg-status { display: inline-block; font-size: 0.75em; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.04em; color: #475569; }
.ia-compare .chg-recurs { border-left-color: #f59e0b; }
.ia-compare .chg-recurs .chg-status { color: #b45309; }
.ia-compare .chg-improved { border-left-color: #16a34a; }
.ia-compare .chg-improved .chg-status { color: #15803d; }
.ia-compare .chg-worsened { border-left-color: #dc2626; }
.ia-compare .chg-worsened .chg-status { color: #b91c1c; }
.ia-compare .chg-new { border-left-color: #2563eb; }
.ia-compare .chg-new .chg-status { color: #1d4ed8; }
.ia-compare .chg-text { margin: 2px 0; }
.ia-compare .chg-evidence { font-size: 0.85em; color: var(--body-text-color-subdued); }
.ia-compare .chg-side { margin-right: 4px; }
.ia-compare details { font-size: 0.85em; margin-top: 2px; }
.ia-compare details summary { cursor: pointer; color: #1a56db; padding: 4px 0;
  min-height: 24px; }
.ia-compare details ul { margin: 4px 0; padding-left: 16px; }
a.cmp-ref { color: #1a56db !important; font-weight: 600; text-decoration: none !important;
  padding: 0 2px; border-radius: 3px; background: #e8f0fe; font-size: 0.9em; }
a.cmp-ref:hover { background: #1a56db; color: #fff !important; }

/* the Quiz tab */
#quiz-downloads { flex-wrap: wrap; gap: 6px; }
#quiz-downloads button { background: #ffffff; color: #1d4ed8; font-weight: 600;
  border: 1px solid #93c5fd; }
#quiz-downloads button:hover { background: #eff6ff; }
.ia-quiz .quiz-summary { font-weight: 600; margin-bottom: 8px; }
.ia-quiz ol.quiz-list { list-style: none; padding: 0; margin: 0; }
.ia-quiz .quiz-q { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 14px; margin-bottom: 10px; background: var(--background-fill-primary); }
.ia-quiz .q-head { display: flex; gap: 8px; align-items: center; margin-bottom: 4px; }
.ia-quiz .q-n { display: inline-flex; align-items: center; justify-content: center;
  width: 22px; height: 22px; border-radius: 11px; background: #1d4ed8; color: #fff;
  font-size: 0.8em; font-weight: 700; }
.ia-quiz .q-type { font-size: 0.75em; font-weight: 650; text-transform: uppercase;
  letter-spacing: 0.04em; color: #475569; }
.ia-quiz .q-kind { font-size: 0.72em; padding: 1px 7px; border-radius: 10px;
  background: #eef2f7; color: #334155; }
.ia-quiz .q-stem { margin: 4px 0 6px; font-weight: 550; }
.ia-quiz ul.q-options { list-style: none; padding: 0; margin: 0 0 6px; }
.ia-quiz .opt { padding: 4px 8px; border-radius: 6px; margin: 2px 0;
  border: 1px solid var(--border-color-primary); }
.ia-quiz .opt.correct { background: #ecfdf5; border-color: #86efac; }
.ia-quiz .opt-letter { font-weight: 650; color: #475569; margin-right: 2px; }
.ia-quiz .q-correct { font-size: 0.78em; font-weight: 700; color: #15803d; margin-left: 4px; }
.ia-quiz .opt-feedback { font-size: 0.82em; color: #64748b; margin: 2px 0 0 18px; }
.ia-quiz .q-answer { margin: 4px 0; }
.ia-quiz .q-expl { margin: 6px 0 4px; font-size: 0.9em; }
.ia-quiz .q-source { font-size: 0.88em; }
.ia-quiz .q-where { color: #1a56db; font-weight: 600; font-size: 0.92em; }
"""
