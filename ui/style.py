"""The page's stylesheet (injected by the source panel, so it applies however the UI is mounted)."""

CSS = """
:root, .dark {
  --color-accent: #1d4ed8; --color-accent-soft: #dbeafe; --border-color-accent: #93c5fd;
  --button-primary-background-fill: #1d4ed8; --button-primary-background-fill-hover: #1e40af;
  --button-primary-border-color: #1d4ed8; --button-primary-border-color-hover: #1e40af;
  --button-primary-text-color: #ffffff; --loader-color: #1d4ed8;
  --checkbox-background-color-selected: #1d4ed8; --checkbox-border-color-selected: #1d4ed8;
}
#documents-table table, #documents-table td, #documents-table th, #documents-table span {
  font-family: var(--font) !important; }
#feedback-row { align-items: center; }
#app-header { border-bottom: 1px solid var(--border-color-primary); margin-bottom: 4px; }
#app-header h2 { margin: 0 0 2px 0; font-weight: 650; letter-spacing: -0.01em; }
#app-header p { margin: 0 0 8px 0; color: var(--body-text-color-subdued); }
#empty-state { background: #fff8e6; border: 1px solid #f3d98b; border-radius: 6px;
  padding: 10px 14px; }

a.cite { display: inline-block; padding: 0 4px; margin: 0 1px; border-radius: 4px;
  background: #e8f0fe; color: #1a56db !important; font-weight: 600; font-size: 0.85em;
  text-decoration: none !important; cursor: pointer; line-height: 1.5; }
a.cite:hover, a.cite.active { background: #1a56db; color: #fff !important; }

.ia-answer p { margin: 0 0 8px 0; }
.ia-answer .ia-rewrite { color: var(--body-text-color-subdued); font-size: 0.9em; }
.ia-answer .ia-refused { background: #fff4e5; border-left: 3px solid #f59e0b; padding: 6px 10px;
  border-radius: 4px; }
.ia-answer .ia-note { margin: 12px 0 4px 0; font-size: 0.85em; font-weight: 600;
  color: #475569; }
ol.ia-sources { list-style: none; padding-left: 0; margin: 0; font-size: 0.88em; }
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
.ia-source mark { background: #fde68a; color: inherit; padding: 1px 0; border-radius: 2px;
  box-shadow: 0 0 0 2px #fde68a; }

ul.ia-tree { list-style: none; margin: 0; padding: 4px 0; max-height: 60vh; overflow-y: auto;
  border: 1px solid var(--border-color-primary); border-radius: 8px; }
ul.ia-tree li { padding: 3px 10px; display: flex; gap: 8px; align-items: baseline; }
ul.ia-tree li.level-1 { font-weight: 600; margin-top: 4px; }
ul.ia-tree .tree-heading { flex: 1; }
ul.ia-tree .tree-page { font-size: 0.8em; color: var(--body-text-color-subdued);
  white-space: nowrap; }
.grade { font-size: 0.75em; padding: 1px 7px; border-radius: 10px; white-space: nowrap;
  background: #eef2f7; color: #334155; font-weight: 600; }
.grade-outstanding, .grade-good { background: #dcfce7; color: #166534; }
.grade-adequate { background: #fef9c3; color: #854d0e; }
.grade-requires-improvement, .grade-inadequate { background: #fee2e2; color: #991b1b; }
"""
