// A question, taken apart: the content units it asks about (an English word or phrase, a Chinese
// word), each with the index terms that stand for it, its translations from the term map, and
// whether the notes know it at all. Ranking uses the terms; confidence uses the units.
import { tagged, type TaggedWord } from './chinese.js';
import { DOCKERFILE_INSTRUCTIONS, instructionTerm } from './passages.js';
import { DOCKER_SUBCOMMANDS, NEIGHBOUR_TOPICS, TERM_GROUPS } from './terms.js';
import {
  detectLanguage,
  englishTerms,
  hanTerms,
  hasHan,
  isChineseStopword,
  normalize,
  termKey,
  TERM_MAP_HAN_WORDS,
  type Lang,
  type LatinWord,
} from './tokenizer.js';

export interface QueryUnit {
  /** As written (after normalisation). */
  text: string;
  /** Index terms for the unit itself. */
  terms: string[];
  /** Index terms of its translations and synonyms. */
  related: string[];
  /** The notes contain the unit or one of its synonyms. */
  known: boolean;
  /** Docker's own vocabulary (see TermGroup.domain). */
  domain: boolean;
  /** Something done to images or containers (see TermGroup.action). */
  action: boolean;
  /** A Docker CLI command ("docker build"): only the command itself, not its last word alone, names it. */
  command?: string;
  /** A detail a section either states or not (see TermGroup.detail). */
  detail?: boolean;
  /**
   * How much an unknown word says about what is asked (0..1, default 1): a noun names a topic the
   * notes may not cover; an adverb, pronoun or particle the notes lack ("到底", "咋整") does not.
   */
  topicality?: number;
  /**
   * A Docker noun qualified by a word the notes never use, written right next to it ("npm
   * registry", "git 仓库", "shipping container"): probably that word's sense of it, not Docker's.
   */
  otherSense?: boolean;
  /** A step said as when ("pull 完怎么看", "after pulling", "before pulling"): it says when, not what is asked. */
  done?: boolean;
  /** Said in a clause about who asks or why ("我是做设计的", "prepping a talk for class"): not what is asked. */
  aside?: boolean;
  /** A name from code (`app.run`): it names the code that has it, as Docker's words name Docker. */
  codeName?: boolean;
  /** What Docker is compared with ("跟虚拟机比", "比虚拟机轻", "lighter than a VM"): only a section naming it compares them. */
  comparedWith?: boolean;
}

export interface Query {
  text: string;
  lang: Lang;
  /** "How do I ...", "怎么 ...": asks for a procedure, which the notes give as commands. */
  howTo: boolean;
  /** Where the how-to is asked (what comes before it is the situation: "镜像太多了占地方，怎么删"). */
  howToAt: number;
  /** "笔记里有写吗", "per the notes": asks what the notes say, whatever the topic. */
  aboutNotes: boolean;
  /** "Why ...", "为啥 ...": asks for a reason, which the notes give in prose that says why (由于, 因此, because). */
  why: boolean;
  /** "What are the ...", "有哪些": asks for a whole list, not one item of it. */
  listing: boolean;
  /** "How many ...", "几条": asks for a count (of a list's items, of an output's lines). */
  counting: boolean;
  /** "Which way ...", "哪个好", "推荐用哪种": asks to choose between things the notes describe side by side. */
  choosing: boolean;
  /** "What does it print", "输出的是啥": asks about what a command printed, not the command. */
  aboutOutput: boolean;
  /** "What's the difference between X and Y", "X 跟 Y 有啥区别": asks about two things, each answered where the notes say it. */
  comparing: boolean;
  /** "Can a container be deleted?", "容器能被删除吗": asks what can be done to something, not how to do it. */
  capability: boolean;
  /**
   * Likens a Docker thing to one the notes never name ("镜像能理解成虚拟机的 ova 吗", "is an image like a
   * conda env") or asks to confirm a paraphrase ("容器就是镜像跑起来那个东西？"): the notes say what theirs is, no more.
   */
  likened: boolean;
  units: QueryUnit[];
  /** Every term to look up, with its weight (translations count less than what was typed). */
  weights: Map<string, number>;
}

const HOW_TO = /\bhow (?:do|can|could|should|would|does|to)\b|\bshow me how\b|\b(?:show|give) me the (?:command|cmd|way|steps?)\b|\b(?:which|what) command\b|\b(?:command|cmd)s? (?:to|for)\b|\bwhat (?:do|should) i (?:type|enter|run)\b|敲|输入什么|\bsteps?\b|\bguide\b|\btutorial (?:on|for|to|about)\b|怎么(?!样|来的|理解|看待|解释|说)|如何|怎样|咋(?!来)|命令|步骤|(?<!哪本|哪个|哪份|什么|啥)教程/;

/**
 * "X 是怎么构建出来的", "flask 是咋装进去的": how something already is, which the notes describe, not
 * steps to follow; how a mechanism works (是怎么实现的) is neither.
 */
const MANNER = /是(?:怎么|咋)(?!\s*(?:实现|工作|运作|做到|限制|隔离|管理))|(?:怎么|咋)\p{Script=Han}{1,3}?(?:出来|进去|起来|上去|下来)的/gu;

const ABOUT_NOTES = /笔记|\b(?:per|in|according to|from)\s+(?:the|these|your|our)\s+notes\b|\bper\s+notes\b/;

const WHY = /\bwhy\b|为什么|为啥|为何|凭啥|凭什么|咋回事|怎么回事/;

const LISTING = /\b(?:what|which) are\b|\blist (?:all|the|of)\b|有哪些|哪些是|都有什么|清单|一览/;

/** "Is A the same as B", "A 相当于 B 吗", "能理解成 B 吗": A likened to something else (not "有没有类似 B 的功能", "the equivalent of B", which ask for a feature). */
const LIKENS = /一回事|一样吗|一样不|一个东西|一个意思|相当于|理解成|当成|看成|差不多|\bsame (?:thing )?as\b|\bsimilar to\b|\bequivalent to\b|\bis it (?:like|basically|roughly|just)\b|\b(?:kind|sort) of like\b|\broughly (?:a|an|like)\b|\bbasically (?:a|an|just|like)\b/i;

/** "所以容器就是镜像跑起来那个东西？", "so an image is basically a template, right?": a paraphrase to confirm, which the notes never make. */
const CONFIRMS_PARAPHRASE = /(?:就是|其实就是|本质上就是|说白了就是|=)[^，,。？?]{2,40}(?:[吗吧么嘛？?]|对吧|对不|是吧|没错)|\b(?:is|are)\s+(?:basically|just|really|roughly)\b[^?]{0,80}(?:\?|\bright\b)/i;

const COUNTING = /\bhow many\b|\bnumber of\b|\bin total\b|几[条个种层项点步样类列]|多少[条个种层项列]|一共|总共/;

/** "几种办法", "what ways are there to ...": asks for the ways the notes describe side by side, which is choosing too. */
const WAYS = /几种(?:办法|方法|方式|途径|做法|路子)|哪几种|有哪些(?:办法|方法|方式|途径|做法)|\bways? (?:to|of)\b|\bhow many ways\b|\bwhat ways\b|\bmethods? (?:to|of|for)\b/;

/** Making an image, said the everyday way (做镜像, 弄个镜像, 打的镜像), is building one. */
const MAKE_IMAGE = /(?:做|弄|搞|整|打|造|制)(?:一个|个|出来的|出来|出的|出|好的|好|的|成)?(?=(?:docker\s*)?镜像)/g;

const CAPABILITY = /能被|可以被|能不能被|可不可以被|\b(?:can|could|may) (?:a|an|the|my|it|they|images?|containers?)\b[\w\s]{0,20}?\bbe\b/;

/** The words for "command" itself: in a how-to they only say the answer is wanted as a command ("给个 command"). */
export const COMMAND_WORDS: ReadonlySet<string> = new Set(['command', 'cmd', '命令', '指令', '命令行', 'command_line']);

/** "Show me how to ...": a way of asking how, not asking to show (list) something. */
const SHOW_ME_HOW = /\b(?:show|give|tell) me(?= how\b| the (?:command|cmd|way|steps?)\b)/g;

/** "Hello, ..." opens a question; "hello" later in it is a word of its own (hello.py). */
const GREETING = /^\s*(?:hi|hello|hey)\b[\s,!.，！。]*/;

/** "What words" (啥字, 什么文字): the question word with a general noun, asking for the text itself. */
const WHAT_TEXT = /(?<=啥|什么|哪些|哪几个)(?:字儿|文字|字)/g;

/** Who calls it so, before what is called (大家管 docker 叫): 管 here is "call", not "manage". */
const CALLED_BY = /^(?:大家|人们|别人|都)*管/;
/** "Why is the thing ... called X" with words between (为啥这玩意儿叫容器): the naming question the term map knows as 为啥叫. */
const WHY_CALLED = /(?:为啥|为什么|为何|凭啥)([^，,。？?！!]{1,12}?)(?<!管它|叫它)(?:叫做|叫|称为|称作)/g;

/**
 * "Tell me plainly", said the everyday way (讲清楚, 给我说明白, 过一遍, 说说): how to answer, not
 * what about; a speech verb only with its complement, so 说明 or 讲 alone stay as they are.
 */
const TELL_ME = /(?:给|跟|帮)(?:我|俺|咱)(?=[讲说过聊整弄搞])|[讲说聊整弄搞](?:清楚|明白|得清|得明白|清(?![理除空掉]))|讲讲|说说|聊聊|过一遍|捋一遍|捋一捋|通俗(?:点|一点|些)?(?:讲|说|地讲|地说)?|用?(?:大)?白话(?:讲|说)?|简单(?:点|一点|些)?(?:讲|说)|科普(?:一下|下)?|说白了|说人话|给我看看|给我瞅瞅|让我看看/g;

/** "What does it show" (显示的是啥, 会看到啥): what was printed, not how to show (list) something. */
const SHOWS_WHAT = /(?:显示|(?:会|能)看到)(?:的是|了|出来的是|出来的|出来|的)?(?=什么|啥)/g;

/** "Can one see it?" (别人能看到吗, 看得见吗): whether it is visible, not how to view (list) something. */
const CAN_SEE = /能(?:看到|看见|看清)(?=吗|不|么|嘛|没)/g;

/** `app.run`, `app.route`: an object's method, as code names it (a file's extension, hello.py, is not one). */
const METHOD_CALL = /\b([a-z_][a-z0-9_]*)\.(?!(?:py|js|ts|md|txt|json|ya?ml|sh|cfg|ini|toml|conf|io|com|org|net)\b)([a-z_][a-z0-9_]*)\b/g;

/** "Named it what" (起了个啥名): naming, as the term map knows 起名; not starting (起) something. */
const NAMED_IT = /起(?:了)?(?:个|一个)?(?:啥|什么)?(?:名字|名)/g;

/** Inside a file or code named in Latin letters (app.run 里面, Dockerfile 里头): where, not what it contains. */
const INSIDE_CODE = /(?<=[a-z0-9_)\]'"])\s*里(?:面|头|边)/gi;

/** "Recommended reading" (入门资料推荐的, 推荐的书): the reading asked for, not the notes' verdict (不推荐) on a way. */
const RECOMMENDED_READING = /推荐(?:的|一下|下)?(?=(?:入门|学习)?(?:资料|书|教程|文章|读物))|(?<=(?:资料|书|教程|文章|读物))(?:可以|能)?推荐(?:的|一下|下)?/g;

/** "Like virsh list", "类似应用商店的地方": what the asker knows it from, not a topic of the notes. */
const LIKE_WHAT_I_KNOW = /类似(?:于)?\s*[\w\s\p{Script=Han}]{1,12}?\s*(?:那种|那样|一样|的地方|似的)/gu;

/** "In plain English", "in a nutshell": how to answer, not what about. */
const PLAINLY = /\bin\s+(?:plain|simple|layman'?s?|everyday|normal)\s+(?:english|words|terms|language)\b|\bin\s+a\s+nutshell\b|\beli5\b/g;

/** "Quick one", "quick q": how it is asked, not "fast"; "at some point": when, vaguely. */
const QUICK_ONE = /\bquick\s+(?:one|q|question)\b|\bat some point\b/g;

/** "What does the container run": what runs in it (the image's default command), not running a container. */
const CONTAINER_RUNS = /\b((?:does|do|will|did|would)\s+(?:the\s+|a\s+|my\s+|this\s+|that\s+)?(?:demo\s+)?containers?)\s+(?:run|execute)\b|\bwhat\s+(?:(?:command|cmd|process|program)\s+)?(?:runs|is run|gets run|executes)\s+when\b/g;
/** "When the container starts up": it starting, not its start-up time (one of Docker's advantages). */
const CONTAINER_STARTS_UP = /\b(containers?\s+)(start(?:s|ed)?)\s+up\b/g;
/** ...said in Chinese: "容器起来后跑的命令", "container 启动时执行的是啥". */
const CONTAINER_RUNS_ZH = /((?:容器|container)\s*(?:一)?(?:起来|启动|跑起来|启起来)(?:了)?\s*(?:后|以后|之后|的时候)?\s*(?:默认)?\s*(?:会)?\s*)(?:跑|运行|执行)(?=的|了|啥|什么)/g;

/** "I'd like to read it myself later" (想课后自己看看, 想系统看看): why it is asked, not what. */
const WANT_TO_READ = /想(?:课后|之后|回头|自己|系统地?|好好)*(?:看看|学学|研究研究|读读|学习一下|深入)/g;

/** What the notes are based on is their source (the reference), not what Docker is built on. */
const NOTES_BASED_ON = /\bnotes\s+(?:(?:are|were|r|is|was)\s+)?(?:based on|built on|taken from|from)\b/g;

/** "Explain it as to a five-year-old" (像给五岁小孩那样讲), "for my slides" (我要写在ppt上): how to answer, not what about. */
const AS_TO_A_CHILD = /(?:能不能|可以)?(?:像|跟|对)?(?:给)?(?:[五三53]岁(?:的)?(?:小孩|小朋友|孩子)?|小学生|小孩子?|小朋友|外行|我奶奶|老奶奶)(?:那样|一样|似的|听)?(?:讲|说|解释)(?:一下|下)?|我?要写在\s*ppt\s*上|\bexplain (?:it )?like (?:i'?m|im|i am) (?:5|five)\b/g;

/** "When" after a verb (拉取时, 启动时): says when, as 的时候 does; not a word of its own (时区, 平时). */
const AT_THE_TIME = /(?<=\p{Script=Han})(?<![平同及按准当暂临随有何那此届小旧过定实即顿])时(?![区间候长代刻期钟效髦])/gu;

/** "Mix them up" is the phrase "mix up" (confusing two things). */
const MIX_UP = /\bmix(?:es|ed|ing)?\s+(?:them|it|these|those|the two|em)\s+up\b/g;

/** "Stopped using LXC": dropped it, not stopping a container. */
const STOP_USING = /\bstop(?:s|ped)?\s+using\b/g;

/** "I thought it had failed" (我以为出错了): a worry, not an error asked about. */
const THOUGHT_IT_FAILED = /(?:我)?(?:还)?以为(?:是)?(?:出错|报错|错|坏)了?/g;

/** "Not a Mac" (我不是mac, not mac): the system the question is not about. */
const NOT_ON = /(?:我)?(?:不是|不用|没有|并非|非)\s*(?:mac|macos|osx|苹果)(?:电脑|系统|本)?|(?:笔记里)?(?:好像)?只(?:有|写了|讲了)\s*(?:mac|macos)(?:的)?|\bnot\s+(?:on\s+)?(?:a\s+)?(?:mac|macos|osx)\b/g;

/** "List them for me" (给我列列, 列举一下): asks for a whole list, as 有哪些 does, not to list images or containers. */
const LIST_FOR_ME = /(?:给|帮)?(?:我|俺)?(?:列列|列一列|列举(?:一下|下)?|列(?:一下|下|个)(?!\s*(?:所有|全部|本地|一下)?(?:的)?\s*(?:容器|镜像|containers?|images?)))/g;

/** The index term of a command-line option (`-t` -> optiont): not a word, so "-t" is not "t". */
export const optionTerm = (flag: string): string => `option${flag.toLowerCase().replace(/-/g, '')}`;

/** Command-line options (`-d`, `--rm`), also written right after Chinese (加个-d). */
const FLAG = /(?<![a-z0-9_-])--?[a-z][a-z0-9-]*/giu;

const CHOOSING = /\bwhich (?:way|one|method|is (?:better|recommended|preferred))\b|\b(?:better|recommended|preferred) way\b|哪[个种](?:好|更好|方式|方法|办法)|推荐用哪|[选用挑]哪[个种样]|[\w\p{Script=Han}]\s*还是\s*\w|\w\s*还是\s*\p{Script=Han}|\w\s+or\s+\w+[?？]?$/u;

const INSTRUCTION_WORDS = DOCKERFILE_INSTRUCTIONS.join('|');
/** A Dockerfile instruction written as one (upper case, not after "docker": "RUN 那步", "what's the CMD"). */
const INSTRUCTION_UPPER = new RegExp(`(?<![A-Za-z0-9]|docker\\s{1,3})(${INSTRUCTION_WORDS})(?![A-Za-z0-9])`, 'gu');
/** ...or in lower case, named as a line or step of a file ("the run line", "cmd 那行"). */
const INSTRUCTION_NAMED = new RegExp(`(?<![A-Za-z0-9])(${INSTRUCTION_WORDS.toLowerCase()})\\s*(?:lines?\\b|instructions?\\b|steps?\\b|那|这|行|步|指令)`, 'gu');

/** The Dockerfile instructions a question names, in lower case. */
function instructionsNamed(question: string): Set<string> {
  const raw = question.normalize('NFKC');
  const found = new Set<string>();
  for (const m of raw.matchAll(INSTRUCTION_UPPER)) found.add((m[1] as string).toLowerCase());
  for (const m of raw.toLowerCase().matchAll(INSTRUCTION_NAMED)) found.add(m[1] as string);
  return found;
}

/** "What tag does the image get": a thing getting something is given it, not pulling it ("how do I get an image"). */
const GETS = /(\b(?:does|do|did|will)\s+(?!i\b|you\b|we\b)(?:[a-z0-9.:-]+\s+){1,4})get\b|\b(?:gets?|got|getting)\s+(?=[a-z]+(?:ed|en)\b)/g;

/** Words written in capitals (GUI, SSH, API), lower-cased as the tokenizer has them. */
const acronymsOf = (question: string): ReadonlySet<string> => new Set((question.match(/\b[A-Z]{2,6}s?\b/g) ?? []).map((w) => w.toLowerCase()));

/** A name glued to its version ("ubuntu14.04", "centos7") is the two words; win10 and win11 are names of their own. */
const GLUED_VERSION = /([a-z])(?=\d+\.\d)|\b(centos|debian|fedora|rhel|ubuntu|windows|win|macos|osx)(?=\d+\b)(?!(?:10|11)\b)/g;

/** Tagging an image again (打个新 tag, 重新打 tag): not what `docker build -t` does when building it. */
const RETAG = /(?:重新|再)打(?:一个|个|一|上)?(?:新的?)?\s*(?:tag|标签)|打(?:一个|个|一|上)?新的?\s*(?:tag|标签)|[换改](?:一个|个|一下|下)?(?:新的?)?\s*(?:tag|标签)|\b(?:rename|change|switch)\s+(?:the\s+|an?\s+|its\s+|my\s+)?(?:image'?s?\s+)?tags?\b/g;

/** Copying a file out of a container (从容器里拷出来, copy a file from a container to my laptop): `docker cp`, not the Dockerfile's COPY. */
const COPY_OUT = /\bcopy(?:ing)?\b(?:\s+\S+){0,3}?\s+(?:out\s+of|from)\s+(?:a\s+|the\s+|my\s+|this\s+|that\s+)?(?:running\s+)?containers?\b|(?:从|把)\s*(?:正在跑的|运行中的|跑着的)?\s*(?:容器|container)\s*(?:里|里面|里头|中)?\s*(?:把)?\s*(?:的)?\s*(?:文件|文档|东西)?\s*(?:拷|复制|拿|copy|cp)\s*(?:出来|出|到)/gi;

/** Two versions of one thing to choose from ("python2还是python3", "python 2 or 3"): that thing's version is asked. */
const VERSION_CHOICE = /\b([a-z]+)\s*(?:是|is)?\s*(\d+)\s*(?:还是|或者|或|or|vs\.?)\s*(?:\1\s*)?\d+\b/gi;

/**
 * A question relayed from someone else ("客户问 …", "用户问：…", "Customer asked what …", "Relaying: …",
 * "…, customer asked"): who asked is not what is asked.
 */
const RELAYED = /(?:^|(?<=[，,。；;！!？?\s]))(?:有个|有位|一个|我们|我们的|组里的?|隔壁组的?|那个)?[\p{Script=Han}]{0,4}?(?:客户|用户|客人|甲方|新同事|同事|同学|群友|网友|朋友|老板|领导|组长|经理|主管|客服|运维|测试|开发|研发|产品|行政|审计|老师|导师|师兄|师姐|师弟|师妹|大佬|新人|实习生|有人|别人|对方|小白|新手|萌新|小[\p{Script=Han}])(?:们)?(?:那边)?(?:一直|又|也|刚|还|就)?(?:在(?:群里|会上|评审会上|频道里|群上))?(?:问|想问|提问|求问|问我|问了|问道|想知道|好奇|说|转述)(?:了)?(?:一下|下)?(?:[：:，,\s]+|(?=[\p{Script=Han}a-z"“]))|(?:^|(?<=[，,。；;\s]))转述\s*[\p{Script=Han}]{0,4}[：:]\s*|\b(?:and\s+)?(?:they|he|she|someone|somebody)\s+(?:asked|asks|wants to know|wondered)(?:\s+(?:me|us))?\b|\b(?:a\s+)?new\s+hire\s+asked(?:\s+me)?\b|(?:^|(?<=[，,]))\s*问(?![题])(?=[\p{Script=Han}a-z])|^\s*(?:relaying|forwarding|fwd?)\s*:\s*|^\s*(?:a |the |my |our |one )?(?:customer|client|user|colleague|teammate|someone|somebody)s?\b[^.?!:"“]{0,60}?\b(?:asks?|asked|is asking|wants to know|wanted to know|wonders|wondering|says|said|wants|needs)\b(?:\s+(?:me|us))?(?:\s+(?:about|if|whether))?\s*[:,]?\s*|^\s*(?:customer|client|user)s?\s*:\s*|[,;]\s*(?:the\s+)?(?:customer|client|user)s?\s+(?:asked|asks|wants to know|wants|needs)\b.*$/giu;

/** "The app": the notes have one, the demo's (hello.py). */
const THE_APP = /\bthe\s+(?:web\s+|sample\s+|example\s+)?app\b(?!\s+store)/g;

/** "用了 docker 是不是…", "用 docker 的话…": with Docker, as a condition; not asking what it is used for. */
const USING_DOCKER = /(?:用了|用上了?|上了)\s*(?=docker\s*(?:之后|以后|的话|后|是不是|能不能|会不会|就|，|,))|用\s*(?=docker\s*(?:之后|以后|的话))/g;

/** A remark in brackets (（原话打错字了）): how it was asked, not what. */
const BRACKETED_REMARK = /（[\p{Script=Han}，,\s]{1,12}）/gu;

/** "A clean environment": fresh, not cleaning something up. */
const CLEAN_THING = /\bclean(?=,?\s+(?:\w+\s+){0,2}(?:env|envs|environment|environments|slate|state|install|installation|machine|setup|sandbox)\b)/g;

/** Freeing up space is cleaning up, not a price ("free"). */
const FREE_UP = /\bfree(?:ing)?\s+(?:up|some)\b/g;

/** When something was made (啥时候创建的, when was it created): how long ago, as `docker images` shows it (CREATED 12 days ago). */
const WHEN_MADE = /(?:啥|什么|哪个?)\s*时候\s*(?=(?:被)?(?:创建|建|做|生成|构建|build|打))|\bwhen\s+(?:was|were|did)\b(?=[^?]*\b(?:created|built|made)\b)/g;

/** "Can it only run here?" (只能在本机跑, only on the machine it was built on): asks about using it on other servers. */
const ONLY_HERE = /只(?:能|在)(?:在)?(?:本机|本地|这台(?:机器|电脑)?|当前(?:的)?(?:宿主)?机器?)(?:上)?(?:跑|用|运行|使用)|\bonly (?:run|be used|work)s? (?:on|locally|here)(?: (?:my|this|the) (?:own )?(?:machine|laptop|computer|host|box))?/g;

/** "By oneself" before what is done (自己做镜像, 自己动手构建): how, not the personal use the notes list. */
const BY_ONESELF = /(?:我)?自己(?:动手)?(?=构建|做|弄|搞|整|写|装|搭|来|打包)/g;

/** A verb and its resultative or directional complement: 清掉, 删除掉, 跑起来, 拉下来, 装好. */
const RESULTATIVE = /^(\p{Script=Han}{1,2}?)(?:掉|完|好|起来|出来|下来|下去|一下|上)$/u;

/**
 * Ways of putting a question, read as what they ask, in this order: frames removed, everyday
 * phrasings replaced by the words the term map knows (see each pattern).
 */
const REWRITES: ReadonlyArray<readonly [RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  [GLUED_VERSION, '$1$2 '],
  [GETS, '$1'],
  [RETAG, ' retag '],
  [COPY_OUT, ' docker cp '],
  [ONLY_HERE, ' 在其它服务器上使用 '],
  [CLEAN_THING, 'fresh'],
  [BRACKETED_REMARK, ' '],
  [USING_DOCKER, ' '],
  [FREE_UP, ' clean up '],
  [THE_APP, 'the demo app'],
  [WHEN_MADE, (match) => (/when/.test(match) ? ' how long ago was ' : ' 多久之前 ')],
  [VERSION_CHOICE, '$1 版本 '],
  [MAKE_IMAGE, '构建'],
  [BY_ONESELF, ''],
  [GREETING, ''],
  [RELAYED, ' '],
  [SHOW_ME_HOW, ''],
  [TELL_ME, ' '],
  [LIST_FOR_ME, ' 有哪些 '],
  [CAN_SEE, '看得见'],
  [SHOWS_WHAT, '输出'],
  [NAMED_IT, ' 起名 '],
  [INSIDE_CODE, ' 里'],
  [RECOMMENDED_READING, ' '],
  [CONTAINER_RUNS, (_, does) => (does ? `${does} default command` : 'what is the default command when')],
  [CONTAINER_RUNS_ZH, '$1 默认命令 '],
  [CONTAINER_STARTS_UP, '$1$2'],
  [NOT_ON, ' '],
  [THOUGHT_IT_FAILED, ' '],
  [QUICK_ONE, ' '],
  [PLAINLY, ' '],
  [LIKE_WHAT_I_KNOW, ' '],
  [WANT_TO_READ, ' '],
  [NOTES_BASED_ON, 'notes reference'],
  [AS_TO_A_CHILD, ' '],
  [AT_THE_TIME, ' '],
  [MIX_UP, 'mix up'],
  [STOP_USING, 'dropped'],
  [WHAT_TEXT, ' 文本 '],
  [WHY_CALLED, (_, between) => `${(between ?? '').replace(CALLED_BY, '')} 为啥叫 `],
];

/**
 * How much an unknown Chinese word names a topic, by jieba's part of speech: nouns, names, places,
 * foreign words, times and verbs (挂载, 换源) do; adjectives somewhat; adverbs, pronouns, numerals,
 * particles, prepositions, conjunctions, interjections and unrecognised strings hardly.
 */
function topicality(tag: string): number {
  const t = tag.toLowerCase();
  if (/^(n|eng|t|s|j|l|i|v)/.test(t)) return 1;
  // a: adjectives; x: what jieba's dictionary lacks (a new word found by its HMM, or a run of leftovers)
  if (/^(a|x)/.test(t)) return 0.5;
  return 0.15;
}

/** A question about git: its commit, pull and push are git's ("git rebase 怎么把几个 commit 合成一个"). */
const GIT = /\bgit(?:hub|lab)?\b|\brebase\b|\bpull requests?\b|\bmerge requests?\b/;
const GIT_WORDS: ReadonlySet<string> = new Set(['commit', 'commits', 'pull', 'push', 'merge', 'branch', 'clone', 'rebase', 'tag', '提交', '合并', '分支']);
/** A freight container ("a used 40ft shipping container", 集装箱), not Docker's. */
const FREIGHT = /\bshipping\s+containers?\b|\bcontainers?\s+ship\b|\b\d+\s*(?:ft|feet|foot)\b|集装箱|货柜|货轮/;

/** A question about git or about freight, whose Docker words are not Docker's. */
export const namesAnotherField = (text: string): boolean => GIT.test(text) || FREIGHT.test(text);

/** Marks Docker nouns written right next to a word the notes never use (see QueryUnit.otherSense). */
function markOtherSenses(text: string, units: QueryUnit[]): void {
  if (GIT.test(text)) for (const u of units) if (GIT_WORDS.has(u.text)) u.otherSense = true;
  if (FREIGHT.test(text)) for (const u of units) if (u.terms.includes('container')) u.otherSense = true;
  const placed = units
    .map((unit) => {
      const at = text.indexOf(unit.text);
      return { unit, at, end: at + unit.text.length };
    })
    .filter((p) => p.at >= 0)
    .sort((a, b) => a.at - b.at);
  const qualifies = (u: QueryUnit): boolean => !u.known && (u.topicality ?? 1) >= 1 && !/\d/.test(u.text) && u.text.length >= 2;
  for (let i = 0; i < placed.length; i++) {
    const p = placed[i] as (typeof placed)[number];
    if (!p.unit.domain || !p.unit.known || p.unit.text === 'docker' || p.unit.command) continue;
    const besideIt = (q: (typeof placed)[number] | undefined, gap: string): boolean => q !== undefined && qualifies(q.unit) && /^[\s\-的]*$/.test(gap);
    const before = placed[i - 1];
    const after = placed[i + 1];
    // ...or after it with "in" or "of" ("a namespace in C++", "the image of a disk").
    const ofIt = after !== undefined && qualifies(after.unit) && /^\s+(?:in|of)\s+$/.test(text.slice(p.end, after.at));
    if (besideIt(before, before ? text.slice(before.end, p.at) : 'x') || besideIt(after, after ? text.slice(p.end, after.at) : 'x') || ofIt) p.unit.otherSense = true;
  }
}

/** "跟 X 比", "X 相比", "比 X 轻", "than X", "compared to X", "vs X": X is what something is compared with. */
const COMPARED_WITH = /(?:跟|和|与|同)\s*(?:传统的?)?\s*(\S{2,8}?)\s*(?:相)?比|比(?:起)?\s*(?:传统的?)?\s*(\S{2,8}?)(?=更|要|还|轻|快|好|强|省|[有在]哪|[，,\s]|$)|\b(?:than|compared (?:to|with)|vs\.?|versus)\s+(?:an?\s+|the\s+)?([a-z]+)/gu;

/** Marks the units named as what is compared with (see QueryUnit.comparedWith). */
function markComparedWith(text: string, units: QueryUnit[]): void {
  for (const m of text.matchAll(COMPARED_WITH)) {
    const named = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    // Two of Docker's own things side by side ("commit vs dockerfile") are a choice, not a comparison with something else.
    for (const unit of units) if (unit.known && !unit.domain && named.length > 0 && (named.includes(unit.text) || unit.text.includes(named))) unit.comparedWith = true;
  }
}

/** The units written inside one clause of the text (found from where the clause starts). */
function unitsWithin(text: string, units: readonly QueryUnit[], clause: { text: string; at: number }): QueryUnit[] {
  return units.filter((u) => {
    const at = text.indexOf(u.text, clause.at);
    return at >= clause.at && at + u.text.length <= clause.at + clause.text.length;
  });
}

/** Question words and requests (给我列一下, 发我): a clause with one asks something. */
export const ASKS = /怎么|怎样|咋|啥|什么|哪|吗|么|呢|谁|几|多少|如何|为什么|为啥|是否|能不能|可不可以|行不行|给我|列|发|讲|说说|看看|求|(?<![还也都])[不没]$|[?？]/;

/** How much an unknown word of an aside says about what is asked (see markAsides). */
const ASIDE_TOPICALITY = 0.3;

/**
 * A clause after the question made only of words the notes do not know ("镜像到底是个啥东西
 * 我到现在还没整明白", "…是个啥 组会要讲"): why or how it is asked, not another topic. Only Chinese
 * chat clauses count: a name written in Latin letters (harbor, k8s) or a neighbouring tool is a topic.
 */
function markAsides(text: string, units: QueryUnit[]): void {
  markAskerAsides(text, units);
  let from = 0;
  const clauses = text.split(/([\s，,。！!？?；;~～]+)/).map((part) => {
    const clause = { text: part, at: from };
    from += part.length;
    return clause;
  });
  const spoken = clauses.filter((c) => c.text.trim() && !/^[\s，,。！!？?；;~～]+$/.test(c.text));
  for (const clause of spoken.slice(1)) {
    // An aside asks nothing itself: a clause with a question word is a question of its own.
    if (/[a-z0-9]/i.test(clause.text) || !hasHan(clause.text) || ASKS.test(clause.text)) continue;
    const inside = unitsWithin(text, units, clause);
    if (inside.length === 0 || inside.some((u) => u.known || NEIGHBOUR_TOPICS.has(u.text))) continue;
    for (const u of inside) u.topicality = (u.topicality ?? 1) * ASIDE_TOPICALITY;
  }
}

/** Who asks and why (我是做设计的, 我要讲给同学听, 研发天天挂嘴边, prepping a talk for class, eng keeps mentioning it). */
const ABOUT_THE_ASKER = /^(?:我|俺)(?:自己)?(?:是|只会|就是|一直以为|以为|刚|完全|真的|不太|不懂|老是|也(?:讲|说|搞)?不)|^(?:研发|开发|同事|老板|领导|组里|团队|大家)(?:天天|都|老|总|经常|一直)|^(?:用户|客户)(?:是|那边|他们|自己)|要讲给|讲给.{0,6}听|ppt|slides?|演示|分享|面试|挂嘴边|不懂|小白|新人|刚来|刚入职|\b(?:i'?m|i am|we'?re|we are|my|our|eng|engineers?|devs?|prepping|preparing|asking for|for (?:a|my|our) (?:talk|class|slides?|presentation|team))\b/i;
/** Question words in a clause about the asker, not the requests 讲 and 发 ("我要讲给同学听", "研发"); listing (列几条好处) is asking. */
const ASKS_ASKER = /怎么|怎样|咋|啥|什么|哪|吗|么|呢|谁|几|列|多少|如何|为什么|为啥|是否|能不能|可不可以|行不行|想知道|想问|想了解|请问|问一下|\b(?:wonder(?:ing)?|want to know)\b|[?？]/;
/** "有没有", "是不是", "能不能": asking whether. */
const A_NOT_A = /(\p{Script=Han})[不没]\1/u;
/** A request ("exact pull command please", "给我个命令"): a sentence with one asks too. */
const REQUEST = /\b(?:please|pls|plz|give me|show me|tell me)\b|请|麻烦|求|给我/i;
/** An English sentence that opens as a question does ("which command…", "is there…"); "the admin is unhappy" does not. */
const OPENS_QUESTION = /^(?:what|what's|whats|how|why|which|where|when|who|whose|can|could|does|do|did|is|are|was|were|should|will|would|has|have|any)\b/i;
/** English question words: a sentence with one asks something. */
const ASKS_EN = /\b(?:what|how|why|which|where|when|who|whose|can|could|does|do|did|is|are|should|will|would|any)\b|[?？]/i;

/**
 * A clause that says who asks or why, asking nothing and naming nothing of Docker's own ("…讲讲吗
 * 我是做设计的完全不懂", "what is docker? eng keeps mentioning it in standups"), after the question or
 * opening the message: its words, known to the notes or not, are not what is asked.
 */
function markAskerAsides(text: string, units: QueryUnit[]): void {
  const first = /[?？]|[，,。！!；;\s]+(?=\p{Script=Han})/u.exec(text);
  if (!first) return;
  // The first sentence too, when a later one asks ("我是做产品设计的，docker到底是个啥？").
  const opensWithAsker = ABOUT_THE_ASKER.test(text.slice(0, first.index)) && (ASKS_ASKER.test(text.slice(first.index)) || ASKS_EN.test(text.slice(first.index)));
  let at = opensWithAsker ? 0 : first.index + first[0].length;
  for (const part of text.slice(at).split(/([?？。！!；;，,]+|\s+(?=\p{Script=Han})|(?<=\p{Script=Han})\s+)/u)) {
    const clause = { text: part, at };
    at += part.length;
    const words = clause.text.trim();
    if (!words || !ABOUT_THE_ASKER.test(words) || ASKS_ASKER.test(words) || ASKS_EN.test(words) || A_NOT_A.test(words)) continue;
    const inside = unitsWithin(text, units, clause);
    // A name in Latin letters in a Chinese clause (k8s, harbor) is a topic; a slide deck is not.
    if (inside.some((u) => u.domain || u.command || (hasHan(words) && !u.known && /^[a-z0-9]/.test(u.text) && !/^(?:ppt|slides?)$/.test(u.text)))) continue;
    for (const u of inside) u.aside = true;
  }
}

/**
 * The sentences of a message of several that ask something ("Hey all, data person here. What is
 * Docker? I assumed a VM": "What is Docker"), and the stretch from the first of them to the last
 * when something is said around it; nothing for a message of one sentence.
 */
export function askingClauses(question: string): { clauses: string[]; span?: string; asking: number } {
  // Each sentence with the marks after it: one ending in a question mark asks, whatever its words.
  const pieces = question.slice(0, MAX_QUESTION_LENGTH).split(/([?？!！。;；，,：]+|[.:](?:\s+|$))/);
  const sentences = pieces.flatMap((text, i) => (i % 2 === 0 && text.trim() ? [{ text: text.trim(), asked: /[?？]/.test(pieces[i + 1] ?? '') }] : []));
  const parts = sentences.map((p) => p.text);
  if (parts.length < 2) return { clauses: [], asking: 0 };
  const asking = sentences.map((p) => [...p.text].length >= 3 && (p.asked || ASKS_ASKER.test(p.text) || OPENS_QUESTION.test(p.text) || REQUEST.test(p.text) || A_NOT_A.test(p.text)));
  // A question with the sentence before it, which often names what it asks about ("since Docker 1.11, what does it use").
  const clauses = parts.flatMap((p, i) => (asking[i] ? [p, ...(i > 0 && !asking[i - 1] ? [`${parts[i - 1] as string}，${p}`] : [])] : []));
  // From the first sentence that asks to the last: the question, without what is said around it.
  const from = asking.indexOf(true);
  const to = asking.lastIndexOf(true);
  const span = from >= 0 && to > from && (from > 0 || to < parts.length - 1) ? parts.slice(from, to + 1).join('，') : undefined;
  return { clauses, asking: asking.filter(Boolean).length, ...(span ? { span } : {}) };
}

/** Marks the actions written as finished before the question (see QueryUnit.done). */
function markDone(text: string, units: QueryUnit[]): void {
  for (const unit of units) {
    if (!unit.action && !unit.command) continue;
    const at = text.indexOf(unit.text);
    if (at < 0) continue;
    const after = text.slice(at + unit.text.length);
    if (/^\s*(?:完|好了|之后|以后)/.test(after) || /\b(?:after|once|before)\s+$/.test(text.slice(0, at))) unit.done = true;
    // "an image I pulled by mistake": a step done that says which thing, not what to do ("an image we
    // built" stays: after building is where the notes' registry comes in).
    if (/^(?:pulled|downloaded|fetched|grabbed|ran|started|got)$/.test(unit.text) && /\b(?:i|we|you)\s+(?:just\s+|already\s+|accidentally\s+)?$/.test(text.slice(0, at))) unit.done = true;
    // A command with its arguments, then done ("docker build -t demo:v1 之后"): its arguments are of the step done too.
    const withArguments = unit.command ? /^((?:\s+[-\w.:/]+){1,4})\s*(?:完|好了|之后|以后)/.exec(after) : null;
    if (withArguments) {
      unit.done = true;
      const end = at + unit.text.length + (withArguments[1] as string).length;
      for (const other of units) {
        const from = text.indexOf(other.text, at + unit.text.length);
        if (other !== unit && from >= 0 && from + other.text.length <= end) other.done = true;
      }
    }
  }
}

/** Weight of a synonym or translation relative to the word typed. */
const RELATED_WEIGHT = 0.6;
/** Weight of a step already done (see QueryUnit.done) relative to the words of what is asked. */
export const DONE_WEIGHT = 0.15;
const MAX_QUESTION_LENGTH = 500;
/** Longest Chinese dictionary word tried when splitting a question. */
const MAX_HAN_WORD = 6;

/** jieba's numerals that are "one/a few + measure word" (一堆, 一遍, 几个), not a number the notes might state. */
const QUANTITY = /^[一两几][\p{Script=Han}]$/u;

/** How much less a one-character verb followed by 的/了 says about what is asked (see leftoverUnit). */
const STATE_VERB_TOPICALITY = 0.5;

/**
 * How much less any other unknown one-character word says: chat Chinese strings verbs and particles
 * of one character around its topic (起容器, 甩个链接, 带来好处, 求地址), while a topic the notes do not
 * cover is named with a word (数据卷, 集群, 网络).
 */
const SINGLE_CHARACTER_TOPICALITY = 0.6;

/** What comes right before the action a how-to question asks for (怎么进, 咋才能删). */
const HOW_TO_BEFORE = /(?:怎么|怎样|如何|咋)(?:才能|才可以|能|可以|去|样)?$/;

interface GroupIndex {
  /** term key -> indexes into TERM_GROUPS */
  byKey: Map<string, number[]>;
  /** group -> index terms of all its members */
  terms: string[][];
}

const GROUPS: GroupIndex = (() => {
  const byKey = new Map<string, number[]>();
  const terms: string[][] = [];
  TERM_GROUPS.forEach((group, i) => {
    const members = new Set<string>();
    for (const t of group.terms) {
      const key = termKey(t);
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
      if (hasHan(t)) {
        // Whole words only (see hanTerms); a one-character entry only helps to read questions.
        if ([...t].length >= 2) members.add(normalize(t));
      } else {
        members.add(key);
      }
    }
    terms.push([...members]);
  });
  return { byKey, terms };
})();

/** Restricted Damerau-Levenshtein distance, giving up once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Words this long or shorter are not corrected by swapping one letter for another. */
const SHORT_WORD = 4;
const sorted = (word: string): string => [...word].sort().join('');

/** Question words that are often mistyped; a misspelt one is dropped like the word itself. */
const QUESTION_WORDS = ['what', 'where', 'which', 'when', 'should', 'would', 'could', 'does', 'there', 'their', 'about', 'explain', 'with', 'have'];

export class QueryAnalyzer {
  private readonly hanDictionary: Set<string>;
  private readonly latinVocabulary: string[];
  private readonly termMapWords: string[];
  private readonly corrections = new Map<string, string | null>();

  constructor(
    /** Every index term of the notes. */
    private readonly vocabulary: ReadonlySet<string>,
    /** Chinese words jieba found in the notes. */
    noteWords: Iterable<string>,
    /** Command-line options the notes' commands use (`-p`, `-t`). */
    private readonly noteFlags: ReadonlySet<string> = new Set(),
  ) {
    // The notes' own words and the term map's decide how a question splits; jieba does the rest.
    this.hanDictionary = new Set([...[...noteWords].filter((w) => w.length >= 2), ...TERM_MAP_HAN_WORDS]);
    this.termMapWords = [...GROUPS.byKey.keys()].filter((key) => !hasHan(key) && !key.includes('_'));
    const latin = new Set([...vocabulary].filter((t) => !hasHan(t) && !t.includes('_') && t.length >= 3 && !/\d/.test(t)));
    for (const key of this.termMapWords) latin.add(key);
    this.latinVocabulary = [...latin];
  }

  analyze(question: string): Query {
    // A question, not a document: what follows is not read (and cannot slow the bot down).
    const text = REWRITES.reduce<string>((t, [pattern, by]) => t.replace(pattern, by as string), normalize(question).slice(0, MAX_QUESTION_LENGTH));
    const words = [...this.englishUnits(text, acronymsOf(question.slice(0, MAX_QUESTION_LENGTH))), ...this.chineseUnits(text), ...this.flagUnits(text)];
    const instructions = instructionsNamed(question.slice(0, MAX_QUESTION_LENGTH));
    // What a Dockerfile runs ("Dockerfile 里先跑了啥") is its RUN line.
    if (words.some((u) => u.terms.includes('dockerfil')) && words.some((u) => u.action && !u.command && u.terms.concat(u.related).includes('run'))) instructions.add('run');
    const units = this.withInstructions(words, instructions);
    markOtherSenses(text, units);
    markDone(text, units);
    markComparedWith(text, units);
    markAsides(text, units);
    // Who asks and why is not what is asked: those words look nothing up.
    units.splice(0, units.length, ...units.filter((u) => !u.aside));
    // What a Docker thing is likened to, when the notes never name it ("ova", "conda env"), looks
    // nothing up either; a neighbouring tool or a Docker word the notes lack (k8s 的 pod) is a topic.
    // Whether two things are the same the notes never say either ("registry 跟 hub 一回事?"): a best guess.
    const likening = LIKENS.test(text) && !HOW_TO.test(text) && units.some((u) => u.known && u.domain && !u.otherSense);
    const likenedTo = likening ? units.filter((u) => !u.known && !u.domain && !u.command && !NEIGHBOUR_TOPICS.has(u.text) && (u.topicality ?? 1) >= 0.5) : [];
    const likened = likening && !units.some((u) => !u.known && (u.domain || NEIGHBOUR_TOPICS.has(u.text)));
    if (likened) units.splice(0, units.length, ...units.filter((u) => !likenedTo.includes(u)));
    // A method of the demo's code ("app.run 里 host 填的啥") is one name of that code, not Docker's verb.
    for (const m of text.matchAll(METHOD_CALL)) {
      const parts = [m[1], m[2]].map((name) => units.find((u) => u.text === name));
      if (parts.some((u) => u === undefined || !u.known)) continue;
      const [object, method] = parts as [QueryUnit, QueryUnit];
      units.splice(units.indexOf(object), 1);
      units.splice(units.indexOf(method), 1, { text: m[0], terms: [...new Set([...object.terms, ...method.terms])], related: [], known: true, domain: false, action: false, codeName: true });
    }
    // A Docker verb written in English inside Chinese ("pull 完", "build 的时候") is the command's, as docker's own words are.
    if (hasHan(text)) for (const u of units) if (u.action && u.known && DOCKER_SUBCOMMANDS.has(u.text)) u.domain = true;
    // ...and so is one whose output is asked about ("拉完最后一行打出来的是啥"): only a command prints.
    const aboutOutput = units.some((u) => u.terms.includes('output') || u.related.includes('output'));
    if (aboutOutput) for (const u of units) if (u.action && u.known && (u.terms.includes('pull') || u.related.includes('pull'))) u.domain = true;
    // What a finished step printed ("pull 完输出里那个 Digest") is asked about that step: it is not only when.
    if (aboutOutput) for (const u of units) delete u.done;
    // "build 镜像的 command 发一下": the command for an action is how to do it, however it is asked.
    const asksHow = text.replace(MANNER, ' ');
    const howTo = HOW_TO.test(asksHow) || (units.some((u) => u.action) && units.some((u) => u.terms.some((t) => COMMAND_WORDS.has(t))));
    const weights = new Map<string, number>();
    const add = (term: string, weight: number): void => {
      weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    };
    for (const u of units) {
      // Another sense of a Docker word (git's commit, a shipping container) looks nothing up.
      if (u.otherSense) continue;
      // A unit spread over several bigrams should not outweigh a one-word unit; a step already
      // done ("docker build 之后") says when, and weighs less than what is asked.
      const own = (u.done ? DONE_WEIGHT : 1) / Math.sqrt(Math.max(1, u.terms.length));
      for (const t of u.terms) add(t, own);
      // When the notes never use the word as typed, its translations are all there is.
      const typedIsKnown = u.terms.some((t) => this.vocabulary.has(t));
      for (const t of u.related) add(t, typedIsKnown ? RELATED_WEIGHT * own : own);
    }
    const counting = COUNTING.test(text);
    const howToAt = HOW_TO.exec(asksHow)?.index ?? (howTo ? 0 : -1);
    return { text, lang: detectLanguage(question), howTo, howToAt, aboutNotes: ABOUT_NOTES.test(text), why: WHY.test(text), listing: LISTING.test(text) || counting, counting, choosing: CHOOSING.test(text) || WAYS.test(text), aboutOutput, comparing: units.some((u) => u.terms.includes('区别') || u.related.includes('区别')) || /\bvs\.?\b|\bversus\b|各自|分别/.test(text), capability: CAPABILITY.test(text), likened: likened || CONFIRMS_PARAPHRASE.test(text), units, weights };
  }

  /**
   * A named Dockerfile instruction is that line of a Dockerfile, not the everyday word ("RUN" is not
   * `docker run`, "FROM" not a stop word); one the notes never use ("HEALTHCHECK") is unknown.
   */
  private withInstructions(units: QueryUnit[], instructions: ReadonlySet<string>): QueryUnit[] {
    if (instructions.size === 0) return units;
    const kept = units.filter((u) => !instructions.has(u.text));
    for (const keyword of instructions) {
      const term = termKey(instructionTerm(keyword));
      const known = this.vocabulary.has(term);
      const related = known ? this.unit(keyword, [], ['dockerfile']).related : [];
      kept.push({ text: keyword, terms: [term], related, known, domain: true, action: false });
    }
    return kept;
  }

  /** Options: one no command of the notes uses ("-d 是啥意思") is a topic they do not cover; one they use is found by name. */
  private flagUnits(text: string): QueryUnit[] {
    return [...new Set(text.match(FLAG) ?? [])].map((flag) => ({ text: flag, terms: [optionTerm(flag)], related: [], known: this.noteFlags.has(flag), domain: true, action: false }));
  }

  private isDomain(key: string): boolean {
    return (GROUPS.byKey.get(key) ?? []).some((g) => TERM_GROUPS[g]?.domain);
  }

  private unit(text: string, terms: string[], keys: string[]): QueryUnit {
    const related = new Set<string>();
    let domain = false;
    let action = false;
    let detail = false;
    for (const key of keys) {
      for (const g of GROUPS.byKey.get(key) ?? []) {
        if (TERM_GROUPS[g]?.domain) domain = true;
        if (TERM_GROUPS[g]?.action) action = true;
        if (TERM_GROUPS[g]?.detail) detail = true;
        for (const t of GROUPS.terms[g] ?? []) related.add(t);
      }
    }
    for (const t of terms) related.delete(t);
    const relatedTerms = [...related];
    const known = terms.some((t) => this.vocabulary.has(t)) || relatedTerms.some((t) => this.vocabulary.has(t));
    return { text, terms: [...new Set(terms)], related: relatedTerms, known, domain, action, ...(detail ? { detail } : {}) };
  }

  private englishUnits(text: string, acronyms: ReadonlySet<string>): QueryUnit[] {
    const { words, phrases } = englishTerms(text);
    const units: QueryUnit[] = [];
    const inPhrase = new Set<number>();
    for (const p of phrases) {
      // A term-map phrase is one concept; "docker <word>" only when the notes have that command, or
      // when <word> is a Docker CLI command the notes do not describe ("docker kill"): then it is a
      // Docker topic the notes do not cover, not the everyday word "kill".
      const members = words.filter((w) => w.position >= p.from && w.position <= p.to);
      const surface = p.text;
      if (p.kind === 'command' && !this.vocabulary.has(p.term)) {
        const subcommand = (members.at(-1) as LatinWord | undefined)?.surface ?? '';
        if (!DOCKER_SUBCOMMANDS.has(subcommand)) continue;
        for (const m of members) inPhrase.add(m.position);
        units.push({ text: surface, terms: [p.term], related: [], known: false, domain: true, action: false, command: p.term });
        continue;
      }
      for (const m of members) inPhrase.add(m.position);
      if (p.kind === 'term') {
        const unit = this.unit(surface, [p.term], [p.term]);
        // "publish port" is about ports, whichever group the phrase itself is in.
        unit.domain ||= members.some((m) => this.isDomain(m.stem));
        units.push(unit);
      } else {
        // "docker registry": the registry, asked about as Docker's; where the notes spell the pair, that counts most.
        const word = (members.at(-1) as LatinWord).stem;
        units.push({ ...this.unit(surface, [p.term, word], [p.term, word]), domain: true, command: p.term });
      }
    }
    for (const w of words) {
      if (inPhrase.has(w.position)) continue;
      const known = this.vocabulary.has(w.stem) || GROUPS.byKey.has(w.stem);
      if (known || /\d/.test(w.surface)) {
        units.push(this.unit(w.surface, [w.stem], [w.stem]));
        continue;
      }
      // An acronym is not a misspelling ("GUI" is not "guide").
      const fixed = acronyms.has(w.surface) ? null : this.correct(w.surface, w.stem);
      if (fixed === '') continue; // a misspelt stop word
      if (fixed) units.push(this.unit(w.surface, [fixed], [fixed]));
      else units.push(this.unit(w.surface, [w.stem], [w.stem]));
    }
    return units;
  }

  /**
   * The word a misspelling stands for: '' for a misspelt stop word ("waht"), null when nothing is
   * close. Typos rarely hit the first letter, and a word spelt differently from its first letter on
   * is more often another word ("cook" is not "book"). Short words are only corrected to question
   * words and the term map's vocabulary ("pul"): among all the notes' words they have too many
   * neighbours ("life" is one letter from "live"), and a short word one letter off another is
   * usually a word of its own ("git" is not "get", "pork" is not "port"): up to four letters only a
   * dropped, doubled or swapped letter is corrected ("pul", "wat").
   */
  private correct(surface: string, wordStem: string): string | null {
    const cached = this.corrections.get(surface);
    if (cached !== undefined) return cached;
    let best: string | null = null;
    let bestDistance = Infinity;
    // The word as typed and its stem are both tried, each allowed the distance its own length allows.
    const forms = [...new Set([surface, wordStem])];
    const distance = (form: string, candidate: string, max: number): number => {
      const allowed = Math.min(max, form.length >= 8 ? 2 : 1);
      if (form.length <= SHORT_WORD && candidate.length === form.length && sorted(candidate) !== sorted(form)) return Infinity;
      const d = editDistance(form, candidate, allowed);
      return d <= allowed ? d : Infinity;
    };
    const consider = (candidates: Iterable<string>, max: number, as: (c: string) => string): void => {
      for (const candidate of candidates) {
        if (candidate[0] !== surface[0]) continue;
        const d = Math.min(...forms.map((f) => distance(f, candidate, max)));
        // Two slips in one word are believable only past its first two letters ("rotation" is not "relation").
        if (d >= 2 && candidate[1] !== surface[1]) continue;
        if (d < bestDistance) {
          bestDistance = d;
          best = as(candidate);
        }
      }
    };
    if (surface.length >= 3) {
      consider(QUESTION_WORDS, 1, () => '');
      consider(this.termMapWords, 1, (c) => c);
    }
    if (surface.length >= 5) consider(this.latinVocabulary, 2, (c) => c);
    this.corrections.set(surface, best);
    return best;
  }

  /** Forward maximum matching against the notes' and the term map's words (and stop phrases); the rest by jieba. */
  private chineseUnits(text: string): QueryUnit[] {
    const units: QueryUnit[] = [];
    for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
      const chars = [...run];
      let leftover = '';
      /** The leftover characters, which end where `end` is. */
      const flush = (end: number): void => {
        if (!leftover) return;
        let at = end - [...leftover].length;
        for (const { word, tag } of tagged(leftover)) {
          const start = at;
          at += [...word].length;
          if (hasHan(word) && !isChineseStopword(word)) units.push(this.leftoverUnit(word, tag, chars[at] ?? '', HOW_TO_BEFORE.test(chars.slice(0, start).join(''))));
        }
        leftover = '';
      };
      // jieba's nouns by where they start: a noun the dictionaries lack (集装箱) is not split on a
      // one-character word of the term map inside it (装).
      const nouns = new Map<number, TaggedWord>();
      // Where each of jieba's words ends, by position: a content word that ends inside one of
      // jieba's and leaves a stray character is not what was written (清楚 is not 清 "clean" + 楚);
      // where the rest reads as words too, jieba erred. A stop word is
      // split off as before (一个|月, 里|拉: jieba glues particles to what follows).
      const wordEnd: number[] = [];
      // A quantity (一堆, 一把, 一遍) says how much, not what: the stop word 一 does not leave its measure word behind as a topic.
      const quantities = new Map<number, number>();
      let offset = 0;
      for (const w of tagged(run)) {
        if (w.word.length >= 2 && /^n/.test(w.tag)) nouns.set(offset, w);
        if (w.tag === 'm' && QUANTITY.test(w.word) && !GROUPS.byKey.has(w.word.slice(1)) && !this.hanDictionary.has(w.word.slice(1))) quantities.set(offset, w.word.length);
        for (let k = 0; k < w.word.length; k++) wordEnd.push(offset + w.word.length);
        offset += w.word.length;
      }
      const splitsAWord = (end: number): boolean => {
        const wordEnds = wordEnd[end - 1] ?? end;
        return wordEnds > end && !this.readsAsWords(chars.slice(end, wordEnds).join(''));
      };
      for (let i = 0; i < chars.length; ) {
        let matched = '';
        for (let len = Math.min(MAX_HAN_WORD, chars.length - i); len >= 1; len--) {
          const candidate = chars.slice(i, i + len).join('');
          if (!isChineseStopword(candidate) && splitsAWord(i + len)) continue;
          if ((len >= 2 && this.hanDictionary.has(candidate)) || isChineseStopword(candidate) || (len === 1 && GROUPS.byKey.has(candidate))) {
            matched = candidate;
            break;
          }
        }
        const quantity = quantities.get(i);
        if (quantity !== undefined && matched.length < 2) {
          flush(i);
          i += quantity;
          continue;
        }
        const noun = nouns.get(i);
        if (noun && (matched === '' || (matched.length === 1 && !isChineseStopword(matched)))) {
          flush(i);
          units.push(this.leftoverUnit(noun.word, noun.tag, chars[i + [...noun.word].length] ?? '', false));
          i += noun.word.length;
          continue;
        }
        if (!matched) {
          leftover += chars[i];
          i++;
          continue;
        }
        flush(i);
        if (!isChineseStopword(matched)) {
          const unit = this.hanUnit(matched);
          const end = i + [...matched].length;
          // 跑着的, 在跑的, 跑的东西: what is running, which only qualifies the thing; not asked to run something
          // (but 跑起来的命令 is the command that runs it).
          const after = chars.slice(end, end + 3).join('');
          const running = unit.action && unit.related.includes('运行') && !/^的(?:命令|指令)/.test(after) && (/^[着的]/.test(after) || /在$/.test(chars.slice(Math.max(0, i - 2), i).join('')));
          if (!running) units.push(unit);
        }
        i += [...matched].length;
      }
      flush(chars.length);
    }
    return units;
  }

  /** A run of Chinese made entirely of words the dictionaries, the stop words or the term map's one-character words have. */
  private readsAsWords(text: string): boolean {
    if (text === '') return true;
    for (let len = Math.min(MAX_HAN_WORD, text.length); len >= 1; len--) {
      const head = text.slice(0, len);
      const word = (len >= 2 && this.hanDictionary.has(head)) || isChineseStopword(head) || (len === 1 && GROUPS.byKey.has(head));
      if (word && this.readsAsWords(text.slice(len))) return true;
    }
    return false;
  }

  /**
   * A word neither the notes nor the term map have, as jieba tagged it. A verb with a resultative
   * complement is the verb (清掉 is 清, 跑起来 is 跑); an unknown word counts against an answer as
   * much as its part of speech names a topic.
   */
  private leftoverUnit(word: string, tag: string, next: string, askedToDo: boolean): QueryUnit {
    const verb = RESULTATIVE.exec(word)?.[1];
    if (verb && (GROUPS.byKey.has(verb) || this.hanDictionary.has(verb))) return this.hanUnit(verb);
    const unit = this.hanUnit(word);
    if (!unit.known) unit.topicality = topicality(tag) * this.oneCharacterFactor(word, tag, next, askedToDo);
    return unit;
  }

  /**
   * A one-character verb that only describes what is asked about (填的是啥 "what was filled in",
   * 堆了一堆 "piled up") names a topic less than one asked to be done (怎么进到容器里); any other
   * one-character word but a noun less too (see SINGLE_CHARACTER_TOPICALITY).
   */
  private oneCharacterFactor(word: string, tag: string, next: string, askedToDo: boolean): number {
    if ([...word].length !== 1 || askedToDo) return 1;
    if (/^v/.test(tag) && /^[的了]/.test(next)) return STATE_VERB_TOPICALITY;
    return /^n/.test(tag) ? 1 : SINGLE_CHARACTER_TOPICALITY;
  }

  /** A word the notes contain is looked up whole; an unknown one by its bigrams too (the notes may have it segmented otherwise). */
  private hanUnit(word: string): QueryUnit {
    // A word of the term map that the notes know by a synonym is that synonym, not its bigrams (名字由来 is not 名字).
    const viaSynonym = (GROUPS.byKey.get(word) ?? []).some((g) => (GROUPS.terms[g] ?? []).some((t) => t !== word && this.vocabulary.has(t)));
    const terms = [...word].length < 2 || this.vocabulary.has(word) || viaSynonym ? [word] : hanTerms(word);
    return this.unit(word, terms, [word]);
  }
}
