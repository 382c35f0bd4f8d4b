// The contract between the FAQ commands and the retrieval behind them.

export interface Citation {
  /** Notes file, relative to its knowledge directory. */
  file: string;
  /** Heading path joined with " › ", e.g. "Docker 基本概念 › 镜像". */
  heading: string;
}

export interface Answer {
  answered: boolean;
  answer: string | null;
  source: Citation | null;
  /** 0..1, calibrated on the question sets; below the threshold the bot declines. */
  confidence: number;
  /**
   * Answered from the nearest section with middling confidence: it may not be exactly what was
   * asked (the reply says so and offers `suggestions` as the next topics to try).
   */
  bestGuess: boolean;
  /** Topics it does know (up to three): offered when it declines, and as next topics after a best guess. */
  suggestions: string[];
}

export interface Topic {
  heading: string;
  file: string;
  /** The heading path in each language the topic is written in, e.g. { zh: "…", en: "Basic concepts › Image" }. */
  titles: Record<string, string>;
}

export interface ReloadReport {
  files: number;
  sections: number;
  /** Files that could not be read or parsed; the rest stay loaded. */
  problems: Array<{ file: string; message: string }>;
}

export interface ExplainOptions {
  /** Answer in this language ("en" or "zh") instead of the term's own. */
  lang?: string;
}

export interface KnowledgeBase {
  ask(question: string): Answer;
  explain(term: string, options?: ExplainOptions): Answer;
  topics(): Topic[];
  /** The language a reply to this text should use ('zh' when it is mostly Chinese). */
  languageOf(text: string): 'zh' | 'en';
  reload(): Promise<ReloadReport>;
  /** Stops watching the notes; the loaded knowledge keeps answering. */
  close(): void;
}
