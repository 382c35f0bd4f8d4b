// The vocabulary that bridges English questions and Chinese notes (and back): groups of words
// that mean the same thing here, plus the words that carry no topic (question frames).
// Multi-word English entries ("virtual machine") are matched as phrases by the tokenizer.

export interface TermGroup {
  terms: readonly string[];
  /**
   * Docker's own vocabulary. A question that names none of these and matches no section heading
   * is probably about something else that merely shares words with the notes ("Go's garbage collector").
   */
  domain?: boolean;
  /**
   * Something done to images or containers (pull, run, stop, remove, ...). A command whose
   * description leads with one action does not answer a question about another: "remove all
   * stopped containers" is not how to stop one.
   */
  action?: boolean;
  /**
   * A detail a section states or does not (a size, a port, a tag, a command's options): a question
   * asking for one is answered only by a section that has it, not by one that is merely on topic.
   */
  detail?: boolean;
}

// Keep each group to one sense. A synonym links every member to every other, so a word that also
// means something else here pulls in the wrong sections: "publish" (a port) is not "ship" (an
// image), the state "exited" is not the action "stop", a drawback is not a recommendation, and a
// git repository is not an image registry. Words with everyday senses stay out of the groups of
// Docker's own nouns; the notes' words then carry them as they are.

export const TERM_GROUPS: readonly TermGroup[] = [
  // Docker's own nouns
  { terms: ['docker'], domain: true },
  { terms: ['image', '镜像', '镜象', '映像', '镜相'], domain: true },
  { terms: ['container', 'containerization', 'containerize', '容器'], domain: true },
  // 注册表 is the Windows registry; a bare "hub" is any hub. A repository is what a registry holds
  // (and what git has): it translates 仓库, the notes' word, but does not name Docker by itself.
  { terms: ['registry', 'registries', 'docker hub', 'dockerhub', '仓库', '镜像仓库'], domain: true },
  { terms: ['repository', 'repositories', 'repo', '仓库'] },
  { terms: ['dockerfile', 'docker file', 'dockerfiles'], domain: true },
  { terms: ['lxc', 'linux containers'], domain: true },
  { terms: ['libcontainer'], domain: true },
  { terms: ['runc'], domain: true },
  { terms: ['containerd'], domain: true },
  { terms: ['cgroup', 'cgroups', 'control group'], domain: true },
  { terms: ['namespace', 'namespaces', '命名空间'], domain: true },
  { terms: ['union fs', 'unionfs', 'union filesystem', 'union file system', 'aufs', '联合文件系统'], domain: true },
  { terms: ['prune', 'docker prune'], domain: true },
  { terms: ['rmi', 'image rm', 'docker rmi', 'docker image rm'], domain: true },
  { terms: ['ps', 'docker ps'], domain: true },

  // Actions on images and containers
  { terms: ['build', 'builder', 'create', 'make', '构建', '制作', '创建', '生成', '打', '打包', '整出来', '弄出来', '搞出来', '做出来', '搞个', '弄个', '做个', '打个'], action: true },
  { terms: ['create', 'new', '创建', '新建', '建个', '建一个', '新建一个'], action: true },
  { terms: ['pull', 'download', 'fetch', 'get', 'obtain', 'come from', 'come down', 'grab', '拉取', '拉', '拉完', '下载', '获取', '拉下来', '下下来', '下了', '拽', '弄下来', '搞下来', '整下来', '拖下来', '下载下来', '扒下来', '拉一下', '下一个'], action: true },
  { terms: ['run', 'start', 'launch', 'boot', 'execute', 'fire up', 'spin up', 'bring up', 'kick off', '运行', '启动', '跑', '开启', '执行', '开跑', '拉起', '开起来', '跑起来', '跑一下', '跑个', '起一个', '起个', '运行起来', '启起来', '跑一跑', '起'], action: true },
  // Stopping is an action; being stopped (Docker lists it as "Exited") is a state. English has a
  // word for each (its "stopped" stems to "stop"); Chinese says 停止 for both.
  { terms: ['stop', 'halt', '停止', '停'], action: true },
  // Getting a shell inside a running container: no command of the notes does it.
  { terms: ['exec', 'attach', 'shell into', 'get into', 'go into', 'get inside', 'log into', '进到', '钻进'], action: true },
  // A container nobody uses any more is, to Docker, one that has exited.
  { terms: ['exited', 'terminated', 'unused', 'dead', '终止', '停止', '退出', '没用', '无用'] },
  { terms: ['delete', 'remove', 'rm', 'erase', 'destroy', 'get rid of', '踢掉', '踢了', '去掉', 'uninstall', 'prune', 'clean', 'drop', 'kill off', 'throw out', '删除', '删', '移除', '去除', '删掉', '清理', '清除', '干掉', '去掉', '弄掉', '扔掉', '卸掉', '删了', '删一下', '删光', '整掉', '搞掉', '删干净'], action: true },
  { terms: ['clean', 'cleanup', 'clean up', 'clear', 'clear out', 'purge', 'prune', 'tidy', 'wipe', '清理', '清除', '清空', '清', '清掉', '清一清', '打扫', '收拾', '一键清', '清光', '清干净', '清空掉', 'nuke'], action: true },
  { terms: ['pause', 'suspend', '暂停', '挂起'], action: true },
  { terms: ['list', 'listing', 'show', 'view', 'see', 'display', 'ls', 'check', 'inspect', 'look at', '查看', '列出', '显示', '看', '查', '瞧', '瞅', '看看', '看下', '瞧瞧', '列表', '清单', '列一下', '瞅瞅', '瞅一眼', '看一眼', '看一看', '瞧一瞧', '查查', '查一下', '查一查', '列一列', '列出来', '看一下', '列', 'verify', 'confirm', '确认', '确认一下', '验证'], action: true },
  { terms: ['install', 'installation', 'setup', 'set up', '安装', '装', '装上', '安上', '装好', '装一下', '装个', '安一下', '整上', '弄上', '搞上', '装一个', '装进', '装进去', '装到'], action: true },
  { terms: ['commit', '提交'], action: true },
  { terms: ['write', 'author', '编写', '写'] },
  { terms: ['store', 'storage', 'save', 'keep', 'persist', '存储', '保存', '存放', '放', '放在', '存', '存着', '留着'] },
  // "publish" is left to ports (docker run --publish).
  { terms: ['distribute', 'distribution', 'share', 'sharing', 'ship', 'transfer', 'migrate', 'take to', 'move to', 'copy to', '扔到', '扔', '分发', '分享', '发布', '拿到', '搬到', '带到', '传到', '传给', '迁移', '挪到', '拷到', '拷贝到', '共享'] },
  { terms: ['replace', 'substitute', 'instead', 'switch', 'swap', 'move', 'successor', 'came after', 'come after', 'evolve', 'evolution', 'later', 'afterwards', 'replaced by', '代替', '替代', '取代', '替换', '转而', '换成', '换', '演进', '演变', '后来', '改用', '改成', '换掉', '顶替'] },
  { terms: ['isolate', 'isolation', 'sandbox', 'separate', 'independent', 'apart', '隔离', '隔开', '隔绝', '独立', '互不干扰', '互不影响'] },
  { terms: ['encapsulate', 'encapsulation', 'wrap', 'package', 'packaging', '封装', '打包', '包', '包了', '包装'] },
  { terms: ['simplify', 'simple', 'easy', 'easier', 'convenient', 'hassle', 'painless', 'effortless', 'straightforward', '简化', '简单', '容易', '易', '方便', '省事', '省心', '省力', '轻松', '便捷', '简便', '不麻烦', '麻烦', '费劲', '难不难'] },
  { terms: ['maintain', 'maintenance', 'manage', 'management', '维护', '管理'] },
  { terms: ['deploy', 'deployment', 'rollout', 'go live', '部署', '上线', '发版'] },
  { terms: ['scale', 'scaling', 'scalable', 'extend', 'expand', 'grow', 'scale out', '扩展', '扩容', '伸缩', '横向扩展', '加机器', '扩'] },
  { terms: ['change', 'modify', 'alter', 'mutate', 'mutable', 'immutable', 'edit', '改变', '修改', '变化', '更改', '改', '变'] },
  { terms: ['contain', 'include', 'hold', 'carry', 'inside', 'consist', 'comprise', 'made of', '包含', '包括', '含有', '里面', '里头', '组成'] },
  { terms: ['develop', 'development', 'implement', 'implementation', 'write', 'written', 'program', '开发', '实现', '编写'] },
  { terms: ['find', 'search', 'look for', 'look up', 'browse', 'discover', '寻找', '查找', '搜索', '找', '搜', '搜一搜', '逛'] },
  { terms: ['recommend', 'recommended', 'recommendation', '靠谱', '靠不靠谱', 'advise', 'advisable', 'suggest', 'suggestion', 'avoid', 'discourage', '劝', 'worth', 'opinion', 'verdict', '值得', '好不好', '好吗', '推荐', '建议', '评价', '怎么评价', '咋评价', '看法', '评价如何'] },
  // What is wrong with something: a recommendation against it answers that, a recommendation does not.
  { terms: ['drawback', 'downside', 'disadvantage', 'weakness', 'shortcoming', 'pitfall', 'gotcha', '坑', '有啥坑', '踩坑', 'limitation', 'wrong', 'bad', 'not recommended', '缺点', '坏处', '弊端', '劣势', '缺陷', '不足', '不推荐'] },
  { terms: ['provide', 'offer', 'supply', '提供'] },
  { terms: ['prepare', 'ready', '准备'] },
  // a figure the notes never give ("快多少 有具体数据不"), and what happens when something is left out (不加 -t 的话)
  { terms: ['how much faster', 'benchmark', 'benchmarks', 'numbers', '快多少', '多少倍', '具体数据', '跑分', '数据支撑'], detail: true },
  { terms: ['if omitted', 'left out', 'without it', '不加', '不写', '不指定', '没加', '没写', '省略'], detail: true },
  // forcing it, and what goes wrong: troubleshooting the notes do not cover
  { terms: ['force', 'forced', 'forcibly', '强制', '强删', '强行', '硬删'], detail: true },
  { terms: ['error', 'errors', 'fails', 'failed', 'failing', '报错', '出错', '错误', '删不掉', '失败', '不成功'], detail: true },
  // the latest version, which notes of a given date cannot state
  { terms: ['latest', 'latest version', 'newest', 'newest version', 'current version', '最新', '最新版', '最新版本', '目前最新'], detail: true },
  // handing a value to a program ("pass environment variables to a container")
  { terms: ['pass', 'pass in', 'inject', '传入', '注入'], action: true },
  { terms: ['digest', 'sha', 'sha256', 'hash', 'checksum', '摘要', '哈希', '校验和'] },
  { terms: ['搭建', '搭', '搭个', '搭起来', '搭一套'] },
  { terms: ['名字', '名', '名称', '镜像名', '叫啥名'] },

  // Properties, benefits, uses
  { terms: ['advantage', 'benefit', 'pro', 'merit', 'perk', 'perks', 'strength', 'upside', 'plus', 'why use', 'choose', 'pick', 'prefer', 'selling point', 'gain', '优势', '优点', '好处', '长处', '优越', '好', '选择', '强在', '香', '亮点', '卖点', '值不值', '划算', '图啥', '理由',
    // "can docker solve / ensure / cure it" (环境不一致 docker 能解决吗): asks whether it is a benefit
    '解决', '保证', '治', '搞定', '避免'] },
  { terms: ['use', 'usage', 'purpose', 'use case', 'good for', 'used for', 'suitable', 'suited', 'appropriate', 'fit', 'useful', '用途', '用处', '作用', '用', '用来', '用于', '适合', '拿来', '合适', '适用', '适宜', '能干嘛', '能干啥', '能做什么', '能做啥', '有什么用', '有啥用', '干点啥', '能干点啥', '干啥用', '拿', '拿来干', '用来干', '干什么用', '派上用场', '场景', '使用场景', '应用场景'] },
  { terms: ['personal', 'personally', 'solo', 'solo dev', 'indie', 'individual', 'private', 'hobby', 'side project', 'myself', 'for me', 'my own machine', 'own machine', 'own computer', 'my own computer', 'personal use', '个人', '自己', '自个', '私人', '我自己'] },
  { terms: ['efficient', 'efficiency', 'utilization', 'utilisation', 'utilize', 'better use', '高效', '利用', '效率', '省', '节省', '节约', '省资源'] },
  { terms: ['resource', 'cpu', 'memory', 'ram', 'overhead', '资源', '内存', '吃资源', '吃内存', '占资源'] },
  { terms: ['fast', 'faster', 'quick', 'quickly', 'speed', 'rapid', 'fast startup', 'second', 'slow', 'instant', '快', '快速', '快捷', '更快', '速度', '秒开', '秒级', '慢', '迅速', '麻利', '快点', '快一点', '快些', '快很多', '快不快'] },
  { terms: ['startup', 'start up', 'start-up', 'boot time', 'startup time', '启动时间'] },
  { terms: ['time', 'duration', '时间'] },
  // what a web app does when opened
  { terms: ['return', 'reply', 'respond', 'response', 'string', 'text', 'greeting', 'answer with', '返回', '响应', '回应', '回复', '字符串', '文本', '吐出', '回'] },
  { terms: ['root url', 'root route', 'root path', 'home page', 'homepage', 'index page', 'endpoint', '根路径', '首页', '主页'] },
  { terms: ['open', 'visit', 'access', 'hit', 'browse to', 'browser', 'web browser', 'curl', '访问', '打开', '浏览器', '进入', '请求', '页面', '网页', 'web page'] },
  { terms: ['consistent', 'consistency', '对不上', '不一致', 'same', 'identical', 'reproducible', 'uniform', '一致', '一致性', '相同', '一样', '保持一致', '保持一样', '保证一致', '一模一样'] },
  { terms: ['environment', 'env', 'runtime environment', 'production', 'prod', 'staging', '环境', '线上', '生产'] },
  { terms: ['disposable', 'throwaway', 'throw away', 'one-off', 'one-time', 'temporary', 'ephemeral', 'single-use', 'use once', 'discard', '一次性', '临时', '用完就扔', '用完即扔', '用后即弃', '随用随扔', '扔', '丢', '丢掉', '用完就删', '用一次'] },
  { terms: ['test', 'testing', 'qa', 'try out', '测试', '试', '试验', '测一测', '跑测试'] },
  { terms: ['microservice', 'micro service', 'microservices', '微服务', '小服务'], domain: true },
  { terms: ['transparent', 'transparency', 'visible', 'traceable', '透明', '看得见', '看得到', '看得清', '看清', '看清楚', '看得清楚'] },
  { terms: ['lightweight', 'light', 'lighter', 'lean', 'small', 'heavy', '轻便', '轻量', '轻量级', '轻', '笨重', '更轻', '轻巧'] },
  { terms: ['process', '进程'] },
  { terms: ['kernel', 'linux kernel', '内核'] },
  { terms: ['operating system', 'os', '操作系统'] },
  // the level of virtualisation, asked with the other one in mind (硬件层？)
  { terms: ['level', 'hardware level', '层面', '层次', '级别', '哪一层', '什么层', '哪个层面', '硬件层', '硬件那层', '系统层', '系统那层'] },
  { terms: ['virtualization', 'virtualisation', 'virtualize', '虚拟化'], domain: true },
  { terms: ['virtual machine', 'vm', 'vms', '虚机', 'hypervisor', 'virtualbox', 'vmware', 'traditional vm', 'traditional vms', 'traditional virtual machine', 'traditional virtual machines', '虚拟机', '传统虚拟机', '传统的虚拟机'] },
  // All of them at once (一键清理, 全部删掉): what prune does to every stopped container.
  { terms: ['all at once', 'in one go', 'at once', '所有', '全部', '一键', '一口气', '全都', '统统'] },
  { terms: ['technology', 'technique', 'tech', 'underlying', 'under the hood', 'internals', 'built on', 'relies on', 'based on', '技术', '底层', '底下', '靠', '靠啥', '原理', '依靠', '依赖于', '用的什么技术', '实现原理'] },
  { terms: ['network', 'networking', '网络', '互联'] },
  { terms: ['filesystem', 'file system', 'fs', '文件系统'] },
  { terms: ['file', '文件'] },
  { terms: ['library', 'libraries', 'lib', 'dependency', 'dependencies', '库', '依赖'] },
  { terms: ['configuration', 'config', 'setting', 'settings', '配置'] },
  { terms: ['parameter', 'param', 'option', 'argument', 'flag', '参数', '选项', '参数列表'], detail: true },
  { terms: ['environment variable', 'env var', 'envvar', '环境变量'] },
  { terms: ['variable', '变量'] },
  { terms: ['volume', 'anonymous volume', '卷', '匿名卷', '数据卷'] },
  { terms: ['user', 'account', '用户'] },
  { terms: ['data', 'stateful', '数据'] },
  { terms: ['state', 'status', '状态'] },
    { terms: ['dynamic', 'runtime data', 'generated at run time', '动态', '动态数据', '运行中产生', '运行时产生', '产生的数据', '运行过程中产生', '运行时数据', '运行中的数据'] },
  { terms: ['static', 'read-only', 'readonly', '静态', '只读'] },
  { terms: ['definition', 'template', 'blueprint', 'recipe', '定义', '模板'] },
  { terms: ['entity', 'running instance', 'runtime', '实体', '运行时', '运行中'] },
  { terms: ['class', '类'] },
  { terms: ['instance', 'object', 'objects', '实例', '对象'] },
  { terms: ['object oriented', 'object-oriented', 'oop', '面向对象'] },
  { terms: ['relationship', 'relation', 'relate', 'related', 'difference', 'differ', 'versus', 'vs', 'compare', 'comparison', 'same thing', 'tell apart', 'mix up', 'mixed up', 'confuse', 'confused', '关系', '区别', '不同', '差别', '对比', '一回事', '一样', '分不清', '分不太清', '傻傻分不清', '搞混', '弄混', '混淆', '两样', '差在哪'] },
  // How the notes explain one thing by another (镜像和容器就像类和实例).
  { terms: ['analogy', 'analogies', 'metaphor', 'compared to', '比喻', '类比', '打比方', '打个比方', '比方', '好比', '就像', '像是'] },
  { terms: ['central', 'centralized', 'centralised', 'shared', '集中', '中心'] },
  { terms: ['service', '服务'] },
  { terms: ['server', 'machine', '服务器', '机器', '机子', '物理机', '换台机器', '换台', '换个机器', '换机器'] },
  // Somewhere else than here: what a registry is for (在其它服务器上使用这个镜像).
  { terms: ['another machine', 'other machines', 'other server', 'other servers', 'another server', 'another host', 'other hosts', '其它服务器', '其他服务器', '别的服务器', '别的机器', '其他机器', '其它机器', '另一台', '另一台机器', '别的电脑', '别的主机'] },
  { terms: ['host', 'host machine', '宿主', '宿主机', '主机'] },
  { terms: ['local', 'locally', 'on my machine', 'my computer', 'my laptop', '电脑', '电脑里', '我电脑', 'this machine', 'on disk', '本地', '本机', '这台机器', '自己电脑', '电脑上', '本地上', '手头'] },
  { terms: ['command', 'commands', 'cmd', 'cmds', 'cli', 'command line', '命令', '指令', '命令行', '敲', '敲啥', '输入', '敲什么', '打什么', '哪条命令'] },
  // A cheat sheet is the commands in everyday use.
  { terms: ['common', 'frequent', 'frequently', 'often', 'everyday', 'daily', 'usual', 'typical', 'most used', 'cheat sheet', 'cheatsheet', 'cheat-sheet', '常用', '常见', '日常', '速查', '速查表', '小抄'] },
  { terms: ['basic', 'basics', 'fundamental', 'core', 'essential', '基本', '基础', '核心'] },
  { terms: ['concept', 'notion', 'idea', 'term', 'terminology', '概念', '术语'] },
  { terms: ['original', 'originally', 'initial', 'initially', 'first', 'at first', 'early', 'in the beginning', 'used to', '最初', '起初', '一开始', '早期', '最早', '刚开始', '当初', '起先', '早先'] },
  { terms: ['version', 'release', '版本'] },
  { terms: ['language', 'programming language', 'lang', '语言', '编程语言'] },
  { terms: ['company', 'vendor', 'corporation', 'made by', '公司', '家', '厂商', '出品', '推出', '搞的', '出的'] },
  { terms: ['example', 'demo', 'sample', 'walkthrough', 'hands on', 'hands-on', '示例', '例子', '演示', '实例演示'] },
  { terms: ['black box', 'blackbox', 'opaque', '黑箱', '黑盒', '看不到', '不透明'] },
  { terms: ['rarely', 'seldom', 'uncommon', 'unusual', '不常用', '很少'] },
  { terms: ['reference', 'references', 'further reading', 'book', 'books', 'recommended book', 'recommended reading', 'good book', 'reading list', 'where to learn', 'learn more', 'resource list', 'docs', 'documentation', 'reading', 'read', 'tutorial', 'guide', 'learning material', 'learning resource', 'learn', 'cite', 'cited', '参考', '参考文献', '文献', '资料', '文档', '书', '书籍', '教程', '学习资料', '资料推荐', '推荐资料', '推荐的书', '推荐读物', '入门资料', '入门书', 'getting started', 'beginner', '抄', '抄的', '照着', '出处', '参照', '哪本书', '什么书', '啥书', '哪本'] },
  { terms: ['mac', 'macos', 'osx', 'os x', 'macbook', 'apple', '苹果', '苹果电脑', '麦克'] },
  { terms: ['port', 'ports', '端口', '端口号'], domain: true, detail: true },
  { terms: ['map', 'mapping', 'publish', 'publish port', 'expose', 'forward', 'bind', '映射', '暴露', '转发', '绑定'] },
  // Running in the background is `docker run -d`, which the notes do not show.
  { terms: ['background', 'detached', 'detach', '后台'] },
  // An image's or container's id, as docker images and docker ps list it.
  { terms: ['id', 'ids', 'image id', 'container id', '编号', 'id号'], detail: true },
  // A maximum or a limit: the notes state none (镜像最多能叠多少层).
  { terms: ['at most', 'maximum', 'upper limit', 'max number', '最多', '上限', '最大值', '最多能'], detail: true },
  // Limiting what a container may use (cap its memory, 限制 CPU): a setting the notes never give.
  { terms: ['limit', 'limits', 'cap', 'throttle', '限制', '限额', '限流'], detail: true },
  // Fields of their own, whose words the notes use otherwise ("machine", "learning").
  { terms: ['machine learning', 'deep learning', 'artificial intelligence', '机器学习', '深度学习', '人工智能'] },
  // A price: the notes price nothing.
  { terms: ['price', 'prices', 'pricing', 'cost', 'costs', 'fee', 'fees', 'paid', 'how much does', '钱', '价格', '收费', '费用', '付费', '多少钱', '价钱'], detail: true },
  // A year or a date: the notes date nothing (an image's age is "12 days ago", not a year).
  { terms: ['year', 'which year', 'what year', 'release date', '哪年', '哪一年', '年份', '几几年', '年代', '发布日期', '发行日期'], detail: true },
  // Renaming an image is tagging it again, which the notes do not show; it is not changing one.
  { terms: ['rename', 'renaming', '改名', '重命名', '换个名', '改个名'] },
  // Tagging an image that exists (docker tag), which the notes do not show either; 打 here is not building.
  { terms: ['retag', 're-tag', 'tag again', 'another tag', 'new tag', 'add a tag', '打tag', '打个tag', '打一个tag', '打新tag', '新tag', '新标签', '重新打tag', '再打一个tag', '再打个tag'] },
  { terms: ['tag', 'tagged', 'label', '标签', '打标签', '版本号', '起名', '取名', '命名为', '叫什么名'] },
  { terms: ['output', 'print', 'result', 'message', 'prompt', 'printed', 'on screen', '刷出', '刷出来', '屏幕上', '输出', '结果', '打印', '提示', '信息', '消息', '打出', '打出来', '吐出来', '回显', 'spit out', '表格'] },
  { terms: ['app', 'application', 'web app', 'webapp', 'website', 'web service', '应用', '应用程序', '网站', '网页', 'web 服务'] },
  // the image's layers, as a pull prints them
  { terms: ['layer', 'layers', '层', '镜像层', '分层', '每层', '每一层'], domain: true },
  { terms: ['finish', 'finished', 'done', 'when done', 'complete', 'completed', 'success', 'successful', 'successfully', 'succeeded', 'final', 'last', '结束', '完成', '成功', '完了', '最后', '最终', '末尾', '拉完', '搞好', '弄好', '整好', '做好', '弄完', '搞完', '整完'] },
  // 列 alone is also "to list" (列 local images): a column is 哪列, 那一列.
  { terms: ['column', 'columns', 'field', 'fields', 'header', 'heading row', '哪列', '哪一列', '哪几列', '几列', '哪些列', '每列', '每一列', '那列', '那一列', '这列', '这一列', '字段', '表头', '栏'] },
  { terms: ['called', 'call it', 'why called', '称', '称为', '称其为', '叫它', '管它叫', '称作', '名叫', '得名', '为啥叫', '为什么叫', '凭啥叫', '为何叫', '名字咋来', '名儿咋来', '这名儿', '名字怎么来', '名字由来', '由来', '叫法', '这个叫法', '这名字'] },
  { terms: ['size', 'big', 'large', 'how big', 'disk space', 'space', 'mb', 'gb', '大小', '多大', '占', '占用', '占地方', '占空间', '占磁盘', '体积', '空间', '多少空间', '多少兆'], detail: true },
  { terms: ['framework', 'web framework', '框架', 'web 框架'] },
  { terms: ['google', '谷歌'] },
  { terms: ['online', 'on the web', 'web page', 'internet', 'site', 'link', 'url', '网上', '在线', '官网', '官方', 'official', '链接', '网址'] },
  // what can be done to a container over its life
  { terms: ['lifecycle', 'life cycle', 'operation', 'operations', 'do with', '生命周期', '操作', '哪些操作', '能做哪些', '从生到死', '折腾', '摆弄'] },
];

/**
 * Neighbouring tools and topics that questions about containers often name and that a team's
 * Docker notes may well not cover: when the notes never use the word, it is the subject of the
 * question, not a detail of it.
 */
export const NEIGHBOUR_TOPICS: ReadonlySet<string> = new Set(
  (
    'kubernetes k8s k3s minikube kubectl helm openshift swarm compose podman buildah nomad mesos lxd vagrant ' +
    'wsl wsl2 hyperv hyper windows ansible terraform jenkins 编排 集群 持久化 git github gitlab rebase svn ' +
    // Docker's own topics beyond a beginner's notes: logs, shells, mounts, networks, pushing, limits, security
    'log logs 日志 shell 挂载 mount bridge overlay 网桥 push 推送 上传 login 登录 mirror 加速 加速器 镜像加速 harbor quay ghcr ecr gcr ' +
    '上限 最多 maximum max '+
    '阿里云 私有仓库 private security 安全 漏洞 root 权限 cgroup限制 限制 limit limits quota cache 缓存 多阶段 multistage 自启 开机 ' +
    'upgrade 升级 daemon 守护进程 后台 background detached detach restart 重启 rename 改名 重命名 export 导出 import 导入 backup 备份'
  ).split(' '),
);

/** Systems Docker is installed on: installing it on one is answered only by a section about that one. */
export const PLATFORMS: ReadonlySet<string> = new Set(
  (
    'ubuntu debian centos fedora rhel redhat linux windows win10 win11 arch alpine raspbian mac macos osx ' +
    'wsl wsl2 乌班图 红帽 树莓派 苹果 苹果电脑'
  ).split(' '),
);

/** The Docker CLI's commands (`docker --help`, plugins included): "docker <one of these>" names a command. */
export const DOCKER_SUBCOMMANDS: ReadonlySet<string> = new Set(
  (
    'attach build builder buildx commit compose config container context cp create diff events exec export history image ' +
    'images import info init inspect kill load login logout logs manifest network node pause plugin port ps pull push ' +
    'rename restart rm rmi run save scout search secret service stack start stats stop swarm system tag top trust ' +
    'unpause update version volume wait'
  ).split(' '),
);

/** Question frames and function words: they say how something is asked, not what about. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an the is are was were be been being am do does did doing done have has had having i me my mine we our ours " +
    "you your yours he him his she her it its they them their this that these those what whats what's which who " +
    "whom whose where when why how can could should would will shall may might must of in on at to from for with " +
    "by about into onto over under as and or but if then so than there here any some each every all both either " +
    "neither not no nor only just also very really actually exactly please tell explain describe define meant mean " +
    "means meaning know let like want wanted need needed way ways thing things something anything kind sort type " +
    "doesnt don't dont isn't isnt aren't arent hi hey thanks thank okay ok yes us one s t d ll re ve m much " +
    "many more most lot lots such other another again still even ever whether via per up out off down now " +
    "currently today already yet step steps procedure longer go goes going gone went sentence sentences word words " +
    "briefly brief short summary summarize summarise overview help helps good great nice best look looks basically " +
    "simply anyway kindly quite pretty certain specifically particular particularly between among amongst within " +
    "without across through during toward towards upon possible possibly able right considered regarded give gives given problem problems solve solves solved " +
    // the notes themselves: every answer is from them; chat shorthand
    "note notes mention mentions mentioned pls plz thx btw tl dr tldr anymore longer multiple several various " +
    // chat spellings of short words ("which book r these notes based on", "u", "n")
    "r u ur n deeper ngl eli5 eli tbh imo fr lowkey ppt slide slides deck xdm lol pile lying around liner oneliner " +
    "always again q handles handle onwards jargon overload onboarding hires hire sorry total newbie noob ok okay ammo standup " +
    // when and where, vaguely ("since 1.11", "what's underneath")
    "since before underneath beneath hood " +
    // a line of a file named by its keyword ("the RUN line"): the keyword says which
    "line lines say says said saying"
  ).split(/\s+/),
);

/** Chinese function words and question frames, matched as whole words. */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set([
  '的', '了', '吗', '呢', '吧', '啊', '呀', '嘛', '么', '是', '有', '在', '和', '与', '跟', '及', '或', '或者', '我',
  '你', '您', '他', '她', '它', '我们', '你们', '他们', '它们', '这', '那', '这个', '那个', '这些', '那些', '什么', '甚么',
  '怎么', '怎样', '怎么样', '如何', '哪', '哪些', '哪个', '哪种', '哪里', '为什么', '为何', '是否', '是不是', '谁', '请', '请问',
  '一下', '能', '能不能', '会', '可以', '可', '要', '需要', '该', '应该', '都', '也', '就', '还', '很', '被', '把', '给',
  '对', '从', '到', '里', '中', '之', '于', '而', '又', '并', '让', '样', '种', '几', '多少', '一个', '一些', '个', '些',
  '呃', '嗯', '哦', '干', '干什么', '做', '做什么', '啥', '咋', '么样', '有没有', '多', '所', '其', '一', '得', '地', '着',
  '过', '下', '上', '时候', '意思', '含义', '指', '叫', '叫做', '讲讲', '说说', '介绍', '解释', '告诉', '知道', '一般', '通常',
  '东西', '问题', '方法', '办法', '方式', '现在', '目前', '已经', '仍然', '依然', '还是', '比', '比较', '去', '步骤', '流程', '别',
  '别的', '其他', '其它', '不', '出', '出来', '起来', '干嘛', '用一句话', '用几句话', '用大白话', '用简单的话', '太多', '太多了', '类型', '种类', '哪类', '干啥', '成', '一句话', '简要', '概括', '总结', '后', '之后', '以后',
  '到底', '究竟', '其实', '本质上', '本质', '实质上', '实际上', '发下', '发一下', '给下', '给个', '给一下', '来个', '为啥', '为啥说', '听说', '据说', '凭啥', '凭什么', '就是', '进行', '一共', '总共', '平时', '平常',
  // a line or step of a file named by its keyword ("RUN 那步", "CMD 那行"): the keyword says which
  '那步', '这步', '那一步', '这一步', '那行', '这行', '那一行', '这一行', '行', '步', '那句', '这句',
  '没搞懂', '搞不懂', '不懂', '没懂', '不明白', '没明白', '说下', '讲下', '说一下', '讲一下', '玩意', '玩意儿', '东东', '的话', '想', '想要', '相比', '相比于', '相较', '咋弄', '咋整', '咋办', '怎么办', '怎么弄', '怎么整', '具体', '大概', '那么', '所以', '然后', '一本', '一部', '一种', '一台', '本', '来', '已',
  // the notes themselves: every answer is from them ("笔记里有写吗", "笔记里提到的那个")
  '笔记', '这份', '这篇', '有写', '写了', '写没写', '有没有写', '提到', '提到的', '提到了', '提过', '有提', '说过', '有说',
  // how people open and close a question in chat
  '在哪', '在哪儿', '哪儿', '咋样', '咋回事', '怎么回事', '啥玩意', '啥玩意儿', '是个啥', '些啥', '点啥', '有啥', '一下子', '呗', '哈', '嘞',
  '咧', '喔', '哇', '诶', '欸', '呐', '俺', '咱', '咱们', '大佬', '老哥', '求问', '求教', '小白', '新手', '请教', '问下', '问一下', '想问',
  '想问下', '谢谢', '多谢', '在线等', '急', '正在', '好几个', '好几', '好多',
  // which is better (哪种好): asks to choose, not for advantages
  '哪种好', '哪个好', '哪种更好', '哪个更好', '哪个比较好', '哪种比较好', '哪样好',
  // greetings and questions to the bot itself
  '你好', '您好', '哈喽', '嗨', '在吗', '你是谁', '你叫啥', '你叫什么',
  // a line or command pointed at (那条命令)
  '那条', '这条', '哪条', '那一条', '这一条',
  // "does it count as", "what's the story behind it": frames of the question
  '算不算', '算是', '有啥说法', '说法', '讲究', '有啥讲究', '情况', '这种情况', '的情况',
  // asking for it to be sent over (求个链接, 甩我一下, 贴一下)
  '求', '甩', '甩个', '贴下', '贴一下',
  // asking the room, and "in the end" (有没有人能讲讲, 大家都说, 说到底)
  '有没有人', '谁能', '大家', '大伙', '别人', '人家', '说到底', '归根结底', '帮', '帮我', '帮忙',
  // "set to what" (host 设成啥, 端口填的多少, 配的是多少): asks for the value written, whatever the verb
  '设', '设成', '设为', '设的', '填', '填的', '填了', '配的', '配成',
  // where in an output (第一行, 最后一行 shows the whole short output anyway) and a step finished (pull 完)
  '第', '第一', '第一行', '第二行', '头一行', '后面', '完', '完了', '好了',
  // "the whole command, send it over, I'll paste it" (完整命令发我下，我直接复制)
  '完整', '完整的', '整条', '一整条', '发', '发我', '发我下', '直接复制', '复制粘贴', '粘贴', '带', '带上',
  // "and such", "which way", "what part" (之类的, 哪种路子, 啥组件)
  '那种', '这种', '之类', '之类的', '什么的', '等等', '下面', '实际', '路子', '法子', '做法', '选', '组件', '部件', '几样', '哪几样', '这点',
  // hedges (好像是某个版本, 说一句就行, 额外, 主要负责, 我记得)
  '好像', '好像是', '某个', '某', '一句', '说一句', '就行', '就好', '即可', '额外', '主要', '负责', '我记得', '记得', '说真的', '别整太长',
  // chat asides (脑子瓦特了, 懒得翻了, 直接炸, 凑几条, 半毛钱关系, 手搓, 咋整)
  '脑子', '瓦特', '瓦特了', '懒得', '懒得翻', '翻', '来着', '炸', '炸了', '凑', '凑几条', '半毛钱', '手搓', '咋整',
  // who asks, and for what occasion (跟老板讲, 昨天讲的, 组会要讲, 老师, 萌新, 哪家)
  '老板', '领导', '同事', '昨天', '今天', '刚才', '组会', '开会', '汇报', '讲', '老师', '萌新', '哪家',
  // regional and chat particles (啥子, 噻, 那会儿), and judgements of one's own situation (很破)
  '啥子', '噻', '那会儿', '最早那会儿', '很破', '特别', '小',
  // a polite letter's openings and closings (您好，打扰一下 … 麻烦您有空时回复一下，谢谢)
  '打扰', '打扰一下', '麻烦您', '有空', '有空时', '回复', '回复一下', '感激不尽', '能否', '请教', '请教一下', '逐条', '确认', '评估', '最近', '我们组', '最基础', '基础的问题', '张工',
]);
