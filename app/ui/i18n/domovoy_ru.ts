<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
  <context>
    <name>Chat</name>
    <message>
      <location filename="../pages/chat_rows.py" line="35" />
      <source>You:</source>
      <translation>Вы:</translation>
    </message>
    <message>
      <location filename="../pages/chat_rows.py" line="39" />
      <source>domovoy:</source>
      <translation>домовой:</translation>
    </message>
  </context>
  <context>
    <name>Composer</name>
    <message>
      <location filename="../widgets/composer.py" line="24" />
      <source>Message (Enter sends, Shift+Enter for a new line)</source>
      <translation>Сообщение (Enter — отправить, Shift+Enter — новая строка)</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="27" />
      <source>Send</source>
      <translation>Отправить</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="28" />
      <source>Send (Enter or Ctrl+Enter)</source>
      <translation>Отправить (Enter или Ctrl+Enter)</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="29" />
      <source>Stop</source>
      <translation>Стоп</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="30" />
      <source>Stop the reply (Esc); what was written is kept</source>
      <translation>Остановить ответ (Esc); написанное сохранится</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="32" />
      <source>Regenerate</source>
      <translation>Заново</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="33" />
      <source>Write the last reply again (Ctrl+R)</source>
      <translation>Написать последний ответ заново (Ctrl+R)</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="34" />
      <source>Edit last</source>
      <translation>Изменить</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="37" />
      <source>Put the last question back in the box; sending it replaces that exchange (Ctrl+E)</source>
      <translation>Вернуть последний вопрос в поле ввода; отправка заменит этот обмен (Ctrl+E)</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="40" />
      <source>Show reasoning</source>
      <translation>Рассуждения</translation>
    </message>
    <message>
      <location filename="../widgets/composer.py" line="42" />
      <source>Show the model's hidden reasoning (gpt-oss) above its answers</source>
      <translation>Показывать скрытые рассуждения модели (gpt-oss) над ответами</translation>
    </message>
  </context>
  <context>
    <name>Conversations</name>
    <message>
      <location filename="../pages/conversations.py" line="67" />
      <source>{0} · {1} messages</source>
      <translation>{0} · сообщений: {1}</translation>
    </message>
  </context>
  <context>
    <name>ConversationsPanel</name>
    <message>
      <location filename="../pages/conversations.py" line="82" />
      <source>Search conversations</source>
      <translation>Поиск по беседам</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="99" />
      <source>New</source>
      <translation>Новая</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="100" />
      <source>A new conversation (Ctrl+N)</source>
      <translation>Новая беседа (Ctrl+N)</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="102" />
      <location filename="../pages/conversations.py" line="195" />
      <source>Delete</source>
      <translation>Удалить</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="133" />
      <source>Delete conversation</source>
      <translation>Удаление беседы</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="134" />
      <source>Delete this conversation? It cannot be undone.</source>
      <translation>Удалить эту беседу? Отменить будет нельзя.</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="149" />
      <source>Rename conversation</source>
      <translation>Переименование беседы</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="150" />
      <source>Title</source>
      <translation>Название</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="167" />
      <source>Export conversation</source>
      <translation>Экспорт беседы</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="181" />
      <source>Export</source>
      <translation>Экспорт</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="182" />
      <source>{0} could not be written: {1}</source>
      <translation>Не удалось записать {0}: {1}</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="191" />
      <source>Open</source>
      <translation>Открыть</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="192" />
      <source>Rename… (F2)</source>
      <translation>Переименовать… (F2)</translation>
    </message>
    <message>
      <location filename="../pages/conversations.py" line="193" />
      <source>Export…</source>
      <translation>Экспорт…</translation>
    </message>
  </context>
  <context>
    <name>DiagnosticsPage</name>
    <message>
      <location filename="../pages/diagnostics.py" line="92" />
      <source>no replies yet</source>
      <translation>ответов пока нет</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="103" />
      <source>Role</source>
      <translation>Роль</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="104" />
      <source>Model</source>
      <translation>Модель</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="105" />
      <source>State</source>
      <translation>Состояние</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="106" />
      <source>Where</source>
      <translation>Где</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="107" />
      <source>Process</source>
      <translation>Процесс</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="108" />
      <source>RAM MB</source>
      <translation>ОЗУ, МБ</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="109" />
      <source>VRAM MB</source>
      <translation>Видеопамять, МБ</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="114" />
      <source>Metric</source>
      <translation>Метрика</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="114" />
      <source>Of</source>
      <translation>Чья</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="114" />
      <source>Count</source>
      <translation>Число</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="122" />
      <source>no log lines yet</source>
      <translation>журнал пока пуст</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="131" />
      <source>Recent log</source>
      <translation>Последние записи журнала</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="152" />
      <source>nobody</source>
      <translation>никто</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="155" />
      <source>GPU lease: &lt;b&gt;{0}&lt;/b&gt; · app memory (RSS) {1} MB · models in RAM ≈ {2} MB</source>
      <translation>GPU занят: &lt;b&gt;{0}&lt;/b&gt; · память приложения (RSS) {1} МБ · модели в ОЗУ ≈ {2} МБ</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="164" />
      <source>loaded</source>
      <translation>загружена</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="164" />
      <source>not loaded</source>
      <translation>не загружена</translation>
    </message>
  </context>
  <context>
    <name>GateTable</name>
    <message>
      <location filename="../pages/gate_table.py" line="23" />
      <source>metric</source>
      <translation>метрика</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="24" />
      <source>baseline</source>
      <translation>эталон</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="25" />
      <source>candidate</source>
      <translation>кандидат</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="26" />
      <source>allowed</source>
      <translation>допуск</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="27" />
      <source>verdict</source>
      <translation>вердикт</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="30" />
      <source>ok</source>
      <translation>в норме</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="31" />
      <source>worse</source>
      <translation>хуже</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="32" />
      <source>not measured</source>
      <translation>не измерено</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="33" />
      <source>no baseline</source>
      <translation>нет эталона</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="34" />
      <source>pending</source>
      <translation>ожидает</translation>
    </message>
    <message>
      <location filename="../pages/gate_table.py" line="69" />
      <source>Evaluate</source>
      <translation>Оценить</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../main_window.py" line="69" />
      <source>domovoy</source>
      <translation>домовой</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="117" />
      <location filename="../main_window.py" line="146" />
      <source>starting…</source>
      <translation>запуск…</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="173" />
      <source>{0}: not loaded yet</source>
      <translation>{0}: ещё не загружена</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="178" />
      <source>{0} is a tiny demo model: its replies are noise. Get a real one: download a GGUF (`domovoy models list --sources`) and add it on the Models page or with `domovoy models add FILE.gguf --id ID --role primary`.</source>
      <translation>{0} — крошечная демо-модель: её ответы — шум. Возьмите настоящую: скачайте GGUF (`domovoy models list --sources`) и добавьте её на странице «Модели» или командой `domovoy models add FILE.gguf --id ID --role primary`.</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="210" />
      <source>Conversations</source>
      <translation>Беседы</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="298" />
      <source>editing the last question: Send replaces it, Esc cancels</source>
      <translation>правка последнего вопроса: «Отправить» заменит его, Esc — отмена</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="316" />
      <source>conversation opened</source>
      <translation>беседа открыта</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="316" />
      <source>new conversation</source>
      <translation>новая беседа</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="352" />
      <source>{0} is ready as {1} ({2:.0f} ms)</source>
      <translation>{0} готова в роли {1} ({2:.0f} мс)</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="378" />
      <source>Restart</source>
      <translation>Перезапуск</translation>
    </message>
    <message>
      <location filename="../main_window.py" line="379" />
      <source>The interface language changes when domovoy starts again. Restart now?</source>
      <translation>Язык интерфейса сменится при следующем запуске домового. Перезапустить сейчас?</translation>
    </message>
  </context>
  <context>
    <name>MemoryPage</name>
    <message>
      <location filename="../pages/memory.py" line="50" />
      <source>all kinds</source>
      <translation>все виды</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="88" />
      <source>Search memories (meaning and words)</source>
      <translation>Поиск в памяти (по смыслу и словам)</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="108" />
      <source>Edit…</source>
      <translation>Исправить…</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="109" />
      <source>Forget</source>
      <translation>Забыть</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="110" />
      <source>Forget all…</source>
      <translation>Забыть всё…</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="111" />
      <source>Export…</source>
      <translation>Экспорт…</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="129" />
      <source>Save dictionary</source>
      <translation>Сохранить словарь</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="132" />
      <source>Dictionary (YAML: names, each with aliases)</source>
      <translation>Словарь (YAML: имена и их варианты)</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="138" />
      <source>Named in memories</source>
      <translation>Упомянуты в памяти</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="147" />
      <source>Memories</source>
      <translation>Воспоминания</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="148" />
      <source>Entities</source>
      <translation>Сущности</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="152" />
      <source>&lt;b&gt;Mood&lt;/b&gt; (recent history)</source>
      <translation>&lt;b&gt;Настроение&lt;/b&gt; (недавняя история)</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="186" />
      <source>reading…</source>
      <translation>чтение…</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="197" />
      <source>{0} shown of {1}{2}</source>
      <translation>показано {0} из {1}{2}</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="239" />
      <source>Correct a memory</source>
      <translation>Исправить воспоминание</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="243" />
      <source>corrected: {0}</source>
      <translation>исправлено: {0}</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="249" />
      <source>forgotten</source>
      <translation>забыто</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="249" />
      <source>it was gone</source>
      <translation>этого уже нет</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="256" />
      <source>Forget everything</source>
      <translation>Забыть всё</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="257" />
      <source>Forget every memory? Export them first if you may want them back.</source>
      <translation>Забыть все воспоминания? Сначала экспортируйте их, если они могут понадобиться.</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="263" />
      <source>forgot {0} memories</source>
      <translation>забыто воспоминаний: {0}</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="267" />
      <source>Export memories</source>
      <translation>Экспорт памяти</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="271" />
      <source>exported {0} memories to {1}</source>
      <translation>воспоминаний экспортировано: {0}, в {1}</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="276" />
      <source>saved {0}</source>
      <translation>сохранено: {0}</translation>
    </message>
  </context>
  <context>
    <name>MemoryTable</name>
    <message>
      <location filename="../pages/memory.py" line="45" />
      <source>When</source>
      <translation>Когда</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="46" />
      <source>Kind</source>
      <translation>Вид</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="47" />
      <source>Importance</source>
      <translation>Важность</translation>
    </message>
    <message>
      <location filename="../pages/memory.py" line="48" />
      <source>Text</source>
      <translation>Текст</translation>
    </message>
  </context>
  <context>
    <name>Metrics</name>
    <message>
      <location filename="../pages/diagnostics.py" line="30" />
      <source>time to first token, ms</source>
      <translation>время до первого токена, мс</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="31" />
      <source>tokens per second</source>
      <translation>токенов в секунду</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="32" />
      <source>replies</source>
      <translation>ответов</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="33" />
      <source>fallbacks</source>
      <translation>переходов на запасную модель</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="34" />
      <source>model load, ms</source>
      <translation>загрузка модели, мс</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="35" />
      <source>time loaded, s</source>
      <translation>время в памяти, с</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="36" />
      <source>judges agreeing</source>
      <translation>согласие судей</translation>
    </message>
    <message>
      <location filename="../pages/diagnostics.py" line="37" />
      <source>MoE experts loaded, s</source>
      <translation>эксперты MoE в памяти, с</translation>
    </message>
  </context>
  <context>
    <name>ModelPicker</name>
    <message>
      <location filename="../widgets/model_picker.py" line="25" />
      <source>The model that answers (the primary role); the others are in Settings</source>
      <translation>Модель, которая отвечает (основная роль); остальные — в настройках</translation>
    </message>
    <message>
      <location filename="../widgets/model_picker.py" line="31" />
      <source>Answering model:</source>
      <translation>Отвечает модель:</translation>
    </message>
  </context>
  <context>
    <name>ModelPulls</name>
    <message>
      <location filename="../pages/model_pulls.py" line="90" />
      <source>the starter set is installed</source>
      <translation>стартовый набор установлен</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="93" />
      <source>The starter set: {0} models, {1}; {2} free</source>
      <translation>Стартовый набор: моделей — {0}, {1}; свободно {2}</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="97" />
      <source>: it does not fit. Free some space first.</source>
      <translation>: не помещается. Сначала освободите место.</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="104" />
      <source>the starter set</source>
      <translation>стартовый набор</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="109" />
      <source>asking the hub what the starter set needs…</source>
      <translation>узнаю у хаба, что нужно стартовому набору…</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="114" />
      <source>Get the starter set</source>
      <translation>Скачать стартовый набор</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="114" />
      <source>Download it now?</source>
      <translation>Скачать сейчас?</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="129" />
      <source>pulling {0}…</source>
      <translation>скачивание {0}…</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="150" />
      <source>Import models</source>
      <translation>Импорт моделей</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="162" />
      <source>imported {0}</source>
      <translation>импортировано: {0}</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="164" />
      <source>checking the models in {0}…</source>
      <translation>проверка моделей в {0}…</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="170" />
      <source>pausing {0}; pull it again to go on</source>
      <translation>пауза: {0}; скачайте снова, чтобы продолжить</translation>
    </message>
    <message>
      <location filename="../pages/model_pulls.py" line="175" />
      <source>{0} installed</source>
      <translation>{0} установлена</translation>
    </message>
  </context>
  <context>
    <name>ModelTable</name>
    <message>
      <location filename="../pages/models.py" line="46" />
      <source>Model</source>
      <translation>Модель</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="47" />
      <source>Role</source>
      <translation>Роль</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="48" />
      <source>Size</source>
      <translation>Размер</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="49" />
      <source>Fit</source>
      <translation>Влезает</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="50" />
      <source>Status</source>
      <translation>Состояние</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="51" />
      <source>From</source>
      <translation>Откуда</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="88" />
      <source>(demo)</source>
      <translation>(демо)</translation>
    </message>
  </context>
  <context>
    <name>ModelsPage</name>
    <message>
      <location filename="../pages/models.py" line="54" />
      <source>fits</source>
      <translation>влезает</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="55" />
      <source>tight</source>
      <translation>впритык</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="56" />
      <source>too big</source>
      <translation>слишком большая</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="57" />
      <source>unknown</source>
      <translation>неизвестно</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="60" />
      <source>catalogue</source>
      <translation>каталог</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="61" />
      <source>added by you</source>
      <translation>добавлена вами</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="134" />
      <source>Pull</source>
      <translation>Скачать</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="135" />
      <source>Verify</source>
      <translation>Проверить</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="136" />
      <source>Add GGUF…</source>
      <translation>Добавить GGUF…</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="137" />
      <source>Remove</source>
      <translation>Удалить</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="138" />
      <source>Promote…</source>
      <translation>Продвинуть…</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="139" />
      <source>Roll back…</source>
      <translation>Откатить…</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="141" />
      <source>Pause</source>
      <translation>Пауза</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="140" />
      <source>Get the starter set</source>
      <translation>Скачать стартовый набор</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="142" />
      <source>Import…</source>
      <translation>Импорт…</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="192" />
      <source>checking {0}…</source>
      <translation>проверка {0}…</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="202" />
      <location filename="../pages/models.py" line="208" />
      <source>Add a GGUF model</source>
      <translation>Добавить модель GGUF</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="208" />
      <source>Id</source>
      <translation>Идентификатор</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="219" />
      <source>added {0} ({1}, {2})</source>
      <translation>добавлена {0} ({1}, {2})</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="236" />
      <source>Remove model</source>
      <translation>Удаление модели</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="237" />
      <source>Delete {0} from this computer?</source>
      <translation>Удалить {0} с этого компьютера?</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="244" />
      <source>removed {0} ({1} files)</source>
      <translation>удалена {0} (файлов: {1})</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="258" />
      <source>Roll back</source>
      <translation>Откат</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="265" />
      <source>{0} is {1} again</source>
      <translation>{0} — снова {1}</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="276" />
      <source>A new version</source>
      <translation>Новая версия</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="278" />
      <source>Promote to</source>
      <translation>Продвинуть в роль</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="287" />
      <source>{0} will run the control scenarios as {1} and is compared with:</source>
      <translation>{0} пройдёт контрольные сценарии в роли {1}; сравнение с эталоном:</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="289" />
      <source>{0} will run the control scenarios as {1}; its baseline first</source>
      <translation>{0} пройдёт контрольные сценарии в роли {1}; сначала будет измерен эталон</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="291" />
      <location filename="../pages/models.py" line="321" />
      <source>Promote {0}</source>
      <translation>Продвинуть {0}</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="312" />
      <source>{0} passed the control scenarios and now plays {1}</source>
      <translation>{0} прошла контрольные сценарии и теперь в роли {1}</translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="316" />
      <source>{0} was rejected: </source>
      <translation>{0} отклонена: </translation>
    </message>
    <message>
      <location filename="../pages/models.py" line="305" />
      <source>evaluating {0} on the control scenarios…</source>
      <translation>проверка {0} на контрольных сценариях…</translation>
    </message>
  </context>
  <context>
    <name>MoodBadge</name>
    <message>
      <location filename="../widgets/mood.py" line="27" />
      <source>joy</source>
      <translation>радость</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="28" />
      <source>sadness</source>
      <translation>грусть</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="29" />
      <source>anger</source>
      <translation>злость</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="30" />
      <source>fear</source>
      <translation>страх</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="31" />
      <source>surprise</source>
      <translation>удивление</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="32" />
      <source>disgust</source>
      <translation>отвращение</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="33" />
      <source>calm</source>
      <translation>спокойствие</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="34" />
      <source>alert</source>
      <translation>настороженность</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="62" />
      <source>How domovoy feels now: it colours its words and its voice</source>
      <translation>Как себя чувствует домовой: это окрашивает его слова и голос</translation>
    </message>
    <message>
      <location filename="../widgets/mood.py" line="51" />
      <source>{0} {1} · valence {2:+.2f} · arousal {3:.2f}</source>
      <translation>{0} {1} · валентность {2:+.2f} · возбуждение {3:.2f}</translation>
    </message>
  </context>
  <context>
    <name>MoodPlot</name>
    <message>
      <location filename="../widgets/mood.py" line="77" />
      <source>Blue: valence (unhappy … happy). Orange: arousal (calm … excited).</source>
      <translation>Синий: валентность (грустно … радостно). Оранжевый: возбуждение (спокойно … взволнованно).</translation>
    </message>
  </context>
  <context>
    <name>Pages</name>
    <message>
      <location filename="../page_set.py" line="24" />
      <source>Chat</source>
      <translation>Беседа</translation>
    </message>
    <message>
      <location filename="../page_set.py" line="25" />
      <source>Settings</source>
      <translation>Настройки</translation>
    </message>
    <message>
      <location filename="../page_set.py" line="26" />
      <source>Models</source>
      <translation>Модели</translation>
    </message>
    <message>
      <location filename="../page_set.py" line="27" />
      <source>Memory</source>
      <translation>Память</translation>
    </message>
    <message>
      <location filename="../page_set.py" line="28" />
      <source>Diagnostics</source>
      <translation>Диагностика</translation>
    </message>
    <message>
      <location filename="../page_set.py" line="75" />
      <source>Not available: the settings could not be read (see the notice on the chat page).</source>
      <translation>Недоступно: не удалось прочитать настройки (см. сообщение на странице беседы).</translation>
    </message>
  </context>
  <context>
    <name>RoleForm</name>
    <message>
      <location filename="../pages/settings.py" line="80" />
      <source>How long a reasoning model (gpt-oss) thinks before answering</source>
      <translation>Сколько рассуждающая модель (gpt-oss) думает перед ответом</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="85" />
      <source>default</source>
      <translation>по умолчанию</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="86" />
      <source> s</source>
      <translation> с</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="87" />
      <source>An on-demand model nobody used this long is unloaded</source>
      <translation>Модель «по требованию», не используемая столько времени, выгружается</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="92" />
      <source>Model</source>
      <translation>Модель</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="94" />
      <source>Context length</source>
      <translation>Длина контекста</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="95" />
      <source>Max output tokens</source>
      <translation>Макс. токенов ответа</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="96" />
      <source>Temperature</source>
      <translation>Температура</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="97" />
      <source>Top p</source>
      <translation>Top p</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="98" />
      <source>Reasoning effort</source>
      <translation>Глубина рассуждений</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="99" />
      <source>Load</source>
      <translation>Загрузка</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="100" />
      <source>Unload when idle after</source>
      <translation>Выгрузить после простоя</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="120" />
      <source>not installed yet: {0} (the small starter model) plays it meanwhile</source>
      <translation>ещё не установлена: пока её роль играет {0} (маленькая стартовая модель)</translation>
    </message>
  </context>
  <context>
    <name>Said</name>
    <message>
      <location filename="../said_texts.py" line="9" />
      <source>the message is empty: type something to say</source>
      <translation>сообщение пустое: напишите что-нибудь</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="10" />
      <source>a reply is still being written: wait for it or press Stop</source>
      <translation>ответ ещё пишется: подождите или нажмите «Стоп»</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="11" />
      <source>there is no question to ask again yet: type one</source>
      <translation>ещё нет вопроса, который можно задать заново: напишите его</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="12" />
      <source>the conversation</source>
      <translation>беседа</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="13" />
      <source>the memory</source>
      <translation>память</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="15" />
      <source>✂ cut off: the model crashed here</source>
      <translation>✂ оборвано: здесь модель упала</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="21" />
      <source>paused at {0}: pull to resume</source>
      <translation>приостановлено на {0}: скачайте, чтобы продолжить</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="22" />
      <source>in use: {0}</source>
      <translation>используется: {0}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="23" />
      <source>installed</source>
      <translation>установлена</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="24" />
      <source>not installed (chosen for {0})</source>
      <translation>не установлена (выбрана для: {0})</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="25" />
      <source>not installed</source>
      <translation>не установлена</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="26" />
      <source>GPU use changes from the next model load</source>
      <translation>использование GPU изменится со следующей загрузки модели</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="27" />
      <source>voice settings apply the next time voice starts</source>
      <translation>настройки голоса вступят в силу при следующем включении голоса</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="28" />
      <source>the interface language changes at the next start</source>
      <translation>язык интерфейса сменится при следующем запуске</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="29" />
      <source>{0}: new generation settings apply from the next reply</source>
      <translation>{0}: новые настройки генерации действуют со следующего ответа</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="30" />
      <source>the remote provider may be used (messages are scrubbed of personal data)</source>
      <translation>можно обращаться к удалённому провайдеру (личные данные вычищаются из сообщений)</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="31" />
      <source>offline: nothing leaves this machine</source>
      <translation>офлайн: ничто не покидает этот компьютер</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="14" />
      <source>demo model: its replies are noise; get a real model to talk</source>
      <translation>демо-модель: её ответы — шум; возьмите настоящую модель</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="16" />
      <source>{0} tokens</source>
      <translation>токенов: {0}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="17" />
      <source>{0:.0f} tok/s</source>
      <translation>{0:.0f} ток/с</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="18" />
      <source>{0} · {1}</source>
      <translation>{0} · {1}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="19" />
      <source>stopped</source>
      <translation>остановлено</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="20" />
      <source>fallback: {0}</source>
      <translation>запасная модель: {0}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="34" />
      <source>{0}
  → {1}</source>
      <translation>{0}
  → {1}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="32" />
      <source>{0} could not be saved ({1}). Free some disk space: nothing is lost, it is kept and saved as soon as it can be.</source>
      <translation>{0}: не удалось сохранить ({1}). Освободите место на диске: ничего не потеряно, всё сохранится, как только станет можно.</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="33" />
      <source>{0} is saved again</source>
      <translation>{0} снова сохраняется</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="35" />
      <source>{0} layers on the GPU</source>
      <translation>слоёв на GPU: {0}</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="36" />
      <source>CPU</source>
      <translation>ЦП</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="37" />
      <source>Memory runs on {0}, which reads English only: what you say in Russian is found by its words, not by its meaning. Set [embeddings] main to use-multilingual (installed) or bge-m3 in config.toml.</source>
      <translation>Память работает на {0}, а эта модель понимает только английский: сказанное по-русски находится по словам, а не по смыслу. Укажите в config.toml в [embeddings] main модель use-multilingual (она установлена) или bge-m3.</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="38" />
      <source>{0} — {1:.2f} GiB on the GPU, {2:.2f} GiB in RAM</source>
      <translation>{0} — {1:.2f} ГиБ на GPU, {2:.2f} ГиБ в ОЗУ</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="39" />
      <source>not one layer fits the {0:.2f} GiB of VRAM left: CPU only</source>
      <translation>ни один слой не влезает в оставшиеся {0:.2f} ГиБ видеопамяти: только ЦП</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="40" />
      <source>no GPU: everything on the CPU</source>
      <translation>GPU нет: всё на ЦП</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="41" />
      <source>fits the GPU whole</source>
      <translation>целиком влезает в GPU</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="42" />
      <source>{0} of {1} layers on the GPU, the rest on the CPU</source>
      <translation>{0} из {1} слоёв на GPU, остальные на ЦП</translation>
    </message>
    <message>
      <location filename="../said_texts.py" line="43" />
      <source>all layers on the GPU, the experts of the first {0} in RAM</source>
      <translation>все слои на GPU, эксперты первых {0} — в ОЗУ</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <location filename="../pages/settings.py" line="35" />
      <source>Primary</source>
      <translation>Основная</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="36" />
      <source>Secondary</source>
      <translation>Вторичная</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="37" />
      <source>Lightweight</source>
      <translation>Лёгкая</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="38" />
      <source>Micro</source>
      <translation>Микро</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="40" />
      <source>(none)</source>
      <translation>(нет)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="41" />
      <source>(the model's default)</source>
      <translation>(как задано моделью)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="154" />
      <location filename="../pages/settings.py" line="170" />
      <source>Voice</source>
      <translation>Голос</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="169" />
      <source>Speech model (piper)</source>
      <translation>Модель речи (piper)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="171" />
      <source>Speaking rate</source>
      <translation>Темп речи</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="172" />
      <source>Recognition model (Whisper)</source>
      <translation>Модель распознавания (Whisper)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="173" />
      <source>Recognition language</source>
      <translation>Язык распознавания</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="174" />
      <source>Recognition device</source>
      <translation>Устройство распознавания</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="176" />
      <source>Hardware, privacy, interface</source>
      <translation>Оборудование, приватность, интерфейс</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="179" />
      <source>auto: models go on the GPU as far as they fit; cpu: never</source>
      <translation>auto: модели идут на GPU, насколько влезают; cpu: никогда</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="180" />
      <source>Offline chat: no message leaves this machine</source>
      <translation>Офлайн-чат: ни одно сообщение не покидает этот компьютер</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="182" />
      <source>Model downloads from the hub, only when I ask (the Models page, pull)</source>
      <translation>Скачивание моделей с хаба, только по моей просьбе (страница «Модели», pull)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="186" />
      <source>I agree that my messages go to this server</source>
      <translation>Я согласен, что мои сообщения уходят на этот сервер</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="188" />
      <source>Names, e-mails, phone and card numbers are scrubbed from what is sent.</source>
      <translation>Имена, адреса почты, номера телефонов и карт вычищаются из того, что отправляется.</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="198" />
      <source>GPU use</source>
      <translation>Использование GPU</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="201" />
      <source>Remote provider (OpenAI-compatible)</source>
      <translation>Удалённый сервер (совместимый с OpenAI)</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="204" />
      <source>Interface language</source>
      <translation>Язык интерфейса</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="206" />
      <source>Apply</source>
      <translation>Применить</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="208" />
      <source>Revert</source>
      <translation>Вернуть</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="299" />
      <location filename="../pages/settings.py" line="317" />
      <source>Not applied: {0}</source>
      <translation>Не применено: {0}</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="302" />
      <source>Applying…</source>
      <translation>Применение…</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="309" />
      <source>{0}: loading the new model…</source>
      <translation>{0}: загрузка новой модели…</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="311" />
      <source>Saved.</source>
      <translation>Сохранено.</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="329" />
      <source>{0}: {1} — loading…</source>
      <translation>{0}: {1} — загрузка…</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="333" />
      <source>{0}: {1} is ready</source>
      <translation>{0}: {1} готова</translation>
    </message>
    <message>
      <location filename="../pages/settings.py" line="337" />
      <source>{0}: {1} failed: {2}</source>
      <translation>{0}: {1} — ошибка: {2}</translation>
    </message>
  </context>
  <context>
    <name>StatusLine</name>
    <message>
      <location filename="../widgets/status_line.py" line="34" />
      <location filename="../widgets/status_line.py" line="72" />
      <source>context: —</source>
      <translation>контекст: —</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="37" />
      <source>How full the answering model's context is (the prompt plus room for the reply). When it fills, older turns are summarized, never silently dropped.</source>
      <translation>Насколько заполнен контекст отвечающей модели (запрос и место под ответ). Когда он заполняется, старые реплики пересказываются, а не молча отбрасываются.</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="77" />
      <source>context: {0} / {1} ({2:.0%})</source>
      <translation>контекст: {0} / {1} ({2:.0%})</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="82" />
      <source>{0} older messages were summarized by {1} to make room</source>
      <translation>{0} старых сообщений пересказаны моделью {1}, чтобы освободить место</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="89" />
      <source>loading {0} ({1})…</source>
      <translation>загрузка {0} ({1})…</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="93" />
      <source>{0} ready ({1:.0f} ms)</source>
      <translation>{0} готова ({1:.0f} мс)</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="96" />
      <source>{0} failed to load</source>
      <translation>{0} не загрузилась</translation>
    </message>
    <message>
      <location filename="../widgets/status_line.py" line="103" />
      <source>⚠ {0} is not saved yet</source>
      <translation>⚠ {0}: ещё не сохранено</translation>
    </message>
  </context>
  <context>
    <name>Tray</name>
    <message>
      <location filename="../widgets/tray.py" line="41" />
      <source>domovoy</source>
      <translation>домовой</translation>
    </message>
    <message>
      <location filename="../widgets/tray.py" line="43" />
      <location filename="../widgets/tray.py" line="77" />
      <source>Hide window</source>
      <translation>Скрыть окно</translation>
    </message>
    <message>
      <location filename="../widgets/tray.py" line="45" />
      <source>New conversation</source>
      <translation>Новая беседа</translation>
    </message>
    <message>
      <location filename="../widgets/tray.py" line="48" />
      <source>Quit</source>
      <translation>Выйти</translation>
    </message>
    <message>
      <location filename="../widgets/tray.py" line="69" />
      <source>Show window</source>
      <translation>Показать окно</translation>
    </message>
  </context>
  <context>
    <name>VoiceBar</name>
    <message>
      <location filename="../widgets/voice_bar.py" line="26" />
      <source>(default microphone)</source>
      <translation>(микрофон по умолчанию)</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="27" />
      <source>(default speaker)</source>
      <translation>(динамик по умолчанию)</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="31" />
      <source>voice off</source>
      <translation>голос выключен</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="32" />
      <source>🎙 listening</source>
      <translation>🎙 слушаю</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="33" />
      <source>… thinking</source>
      <translation>… думаю</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="34" />
      <source>🔊 speaking</source>
      <translation>🔊 говорю</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="56" />
      <source>Hands-free</source>
      <translation>Голосом</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="59" />
      <source>Talk to domovoy: it listens, answers aloud, and listens again</source>
      <translation>Говорите с домовым: он слушает, отвечает вслух и снова слушает</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="62" />
      <source>Push-to-talk ({0})</source>
      <translation>По кнопке ({0})</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="65" />
      <source>Speak only while {0} (or the Talk button) is held</source>
      <translation>Говорить, только пока нажата {0} (или кнопка «Сказать»)</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="68" />
      <source>Talk</source>
      <translation>Сказать</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="69" />
      <source>Hold to speak (or hold {0})</source>
      <translation>Удерживайте, чтобы говорить (или удерживайте {0})</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="72" />
      <source>Barge-in</source>
      <translation>Перебивать</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="76" />
      <source>Talking over domovoy stops it. Use with a headset: from loudspeakers it may hear itself.</source>
      <translation>Если заговорить, домовой замолкает. Для гарнитуры: из колонок он может услышать сам себя.</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="87" />
      <source>Microphone level</source>
      <translation>Уровень микрофона</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="88" />
      <source>Microphone</source>
      <translation>Микрофон</translation>
    </message>
    <message>
      <location filename="../widgets/voice_bar.py" line="89" />
      <source>Speaker</source>
      <translation>Динамик</translation>
    </message>
  </context>
</TS>
