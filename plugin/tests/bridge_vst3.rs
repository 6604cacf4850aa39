//! The bridge on the real nice-plug VST3 wrapper, in process: the test plays a Linux host through
//! the VST3 COM interfaces of this crate's own `GetPluginFactory` (IComponent + IEditController,
//! its own IComponentHandler, an IPlugFrame with the IRunLoop Linux hosts provide, and
//! `IPlugView::attached` to open the editor), without processing audio.
//!
//! Checked: a client's set reaches the host as beginEdit/performEdit/endEdit and comes back as
//! exactly one `parameterChanged` per client, from the main thread and from another thread; the
//! host's `setParamNormalized` likewise, once per change; a departing client's gesture ends with
//! endEdit; the host's channel context (IInfoListener) names the track for every client; removing
//! the view closes the clients.

use std::ffi::c_void;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use bridge::{Bridge, Client, ClientOptions, Next};
use nice_plug::prelude::Vst3Plugin;
use nice_plug::wrapper::vst3::vst3::Steinberg::Linux::{
    FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait, ITimerHandler,
    TimerInterval,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::ChannelContext::{
    IInfoListener, IInfoListenerTrait, kChannelNameKey,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::IAttributeList_::AttrID;
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::{
    IAttributeList, IAttributeListTrait, IComponent, IComponentHandler, IComponentHandlerTrait,
    IEditController, IEditControllerTrait, ParamID, ParamValue, ParameterInfo, TChar,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::{
    FUnknown, IPlugFrame, IPlugFrameTrait, IPlugView, IPlugViewTrait, IPluginBaseTrait,
    IPluginFactory, IPluginFactoryTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultFalse,
    kResultOk, tresult,
};
use nice_plug::wrapper::vst3::vst3::{Class, ComPtr, ComRef, ComWrapper, Interface};
use serde_json::{Value, json};

/// What the host's IComponentHandler received.
#[derive(Clone, Debug, PartialEq)]
enum Edit {
    Begin(u32),
    Perform(u32, f64),
    End(u32),
}

#[derive(Default)]
struct Handler {
    edits: Mutex<Vec<Edit>>,
}

impl Class for Handler {
    type Interfaces = (IComponentHandler,);
}

impl IComponentHandlerTrait for Handler {
    unsafe fn beginEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::Begin(id));
        kResultOk
    }
    unsafe fn performEdit(&self, id: ParamID, value: ParamValue) -> tresult {
        self.edits.lock().unwrap().push(Edit::Perform(id, value));
        kResultOk
    }
    unsafe fn endEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::End(id));
        kResultOk
    }
    unsafe fn restartComponent(&self, _flags: i32) -> tresult {
        kResultOk
    }
}

impl Handler {
    fn take(&self) -> Vec<Edit> {
        std::mem::take(&mut *self.edits.lock().unwrap())
    }
}

/// The host's window frame and run loop: the plugin registers an event handler and a socket; the
/// host calls the handler on its UI thread ([`Frame::run_loop`], the test's main thread).
#[derive(Default)]
struct Frame {
    /// Registered handlers (not owned: the plugin unregisters them) and their sockets.
    handlers: Mutex<Vec<(usize, FileDescriptor)>>,
}

impl Class for Frame {
    type Interfaces = (IPlugFrame, IRunLoop);
}

impl IPlugFrameTrait for Frame {
    unsafe fn resizeView(&self, _view: *mut IPlugView, _new_size: *mut ViewRect) -> tresult {
        kResultFalse
    }
}

impl IRunLoopTrait for Frame {
    unsafe fn registerEventHandler(
        &self,
        handler: *mut IEventHandler,
        fd: FileDescriptor,
    ) -> tresult {
        self.handlers.lock().unwrap().push((handler as usize, fd));
        kResultOk
    }
    unsafe fn unregisterEventHandler(&self, handler: *mut IEventHandler) -> tresult {
        self.handlers
            .lock()
            .unwrap()
            .retain(|(h, _)| *h != handler as usize);
        kResultOk
    }
    unsafe fn registerTimer(&self, _handler: *mut ITimerHandler, _ms: TimerInterval) -> tresult {
        kResultOk
    }
    unsafe fn unregisterTimer(&self, _handler: *mut ITimerHandler) -> tresult {
        kResultOk
    }
}

impl Frame {
    /// One turn of the host's UI loop: every registered handler is told its socket is ready.
    fn run_loop(&self) {
        let handlers = self.handlers.lock().unwrap().clone();
        for (handler, fd) in handlers {
            let handler = unsafe { ComRef::from_raw(handler as *mut IEventHandler) }.unwrap();
            unsafe { handler.onFDIsSet(fd) };
        }
    }
}

/// The host's channel context for `setChannelContextInfos`: a channel name only.
struct ChannelInfo {
    name: Vec<u16>,
}

impl Class for ChannelInfo {
    type Interfaces = (IAttributeList,);
}

impl IAttributeListTrait for ChannelInfo {
    unsafe fn setInt(&self, _id: AttrID, _value: i64) -> tresult {
        kResultFalse
    }
    unsafe fn getInt(&self, _id: AttrID, _value: *mut i64) -> tresult {
        kResultFalse
    }
    unsafe fn setFloat(&self, _id: AttrID, _value: f64) -> tresult {
        kResultFalse
    }
    unsafe fn getFloat(&self, _id: AttrID, _value: *mut f64) -> tresult {
        kResultFalse
    }
    unsafe fn setString(&self, _id: AttrID, _string: *const TChar) -> tresult {
        kResultFalse
    }
    unsafe fn getString(&self, id: AttrID, string: *mut TChar, size_in_bytes: u32) -> tresult {
        // SAFETY: the plugin passes a NUL-terminated key and a buffer of `size_in_bytes`.
        let key = unsafe { std::ffi::CStr::from_ptr(id) };
        let wanted = unsafe { std::ffi::CStr::from_ptr(kChannelNameKey) };
        let room = size_in_bytes as usize / 2;
        if key != wanted || room <= self.name.len() {
            return kResultFalse;
        }
        for (i, unit) in self.name.iter().chain([&0]).enumerate() {
            unsafe { *string.add(i) = *unit as TChar };
        }
        kResultOk
    }
    unsafe fn setBinary(&self, _id: AttrID, _data: *const c_void, _size: u32) -> tresult {
        kResultFalse
    }
    unsafe fn getBinary(&self, _id: AttrID, _data: *mut *const c_void, _size: *mut u32) -> tresult {
        kResultFalse
    }
}

/// Tells the plugin, as a host does, that its channel is called `name`.
fn name_channel(controller: &ComPtr<IEditController>, name: &str) {
    let listener: ComPtr<IInfoListener> = controller
        .cast()
        .expect("the controller is an IInfoListener");
    let list = ComWrapper::new(ChannelInfo {
        name: name.encode_utf16().collect(),
    });
    let list = list.to_com_ptr::<IAttributeList>().unwrap();
    assert_eq!(
        unsafe { listener.setChannelContextInfos(list.as_ptr()) },
        kResultOk
    );
}

/// Bridges the editor started, newest last.
static OPENED: Mutex<Vec<Bridge>> = Mutex::new(Vec::new());

fn ok(client: &Client, method: &str, params: Value) -> Value {
    let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let response: Value =
        serde_json::from_str(&client.handle(&request.to_string()).unwrap()).unwrap();
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

/// Parameter notifications for a client, waiting up to `wait` for the first.
fn notifications(client: &Client, wait: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    if let Next::Message(m) = client.next_timeout(wait) {
        out.push(serde_json::from_str::<Value>(&m).unwrap());
    }
    out.extend(std::iter::from_fn(|| client.try_next()).map(|m| serde_json::from_str(&m).unwrap()));
    out
}

fn changed(note: &Value, id: &str, seq: u64) {
    assert_eq!(note["method"], "parameterChanged", "{note}");
    assert_eq!(
        (
            note["params"]["id"].as_str(),
            note["params"]["seq"].as_u64()
        ),
        (Some(id), Some(seq)),
        "{note}"
    );
}

/// The VST3 id of the parameter titled `title`.
fn param_id(controller: &ComPtr<IEditController>, title: &str) -> u32 {
    let count = unsafe { controller.getParameterCount() };
    (0..count)
        .find_map(|i| {
            let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { controller.getParameterInfo(i, &mut info) },
                kResultOk
            );
            let end = info
                .title
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(info.title.len());
            (String::from_utf16_lossy(&info.title[..end]) == title).then_some(info.id)
        })
        .unwrap()
}

#[test]
fn the_bridge_on_nice_plugs_vst3_wrapper() {
    webstrip::editor::on_open(|session| {
        OPENED.lock().unwrap().push(session.bridge().clone());
        Box::new(())
    });

    // The host side: factory → component (+ controller, same object) → handler → view.
    let factory = unsafe {
        ComPtr::<IPluginFactory>::from_raw(webstrip::GetPluginFactory() as *mut IPluginFactory)
    }
    .unwrap();
    let class_id = webstrip::Webstrip::VST3_CLASS_ID.map(|b| b as i8);
    let mut object: *mut c_void = std::ptr::null_mut();
    let result = unsafe {
        factory.createInstance(
            class_id.as_ptr(),
            IComponent::IID.as_ptr() as *const i8,
            &mut object,
        )
    };
    assert_eq!(result, kResultOk);
    let component = unsafe { ComPtr::<IComponent>::from_raw(object as *mut IComponent) }.unwrap();
    assert_eq!(
        unsafe { component.initialize(std::ptr::null_mut::<FUnknown>()) },
        kResultOk
    );
    let controller: ComPtr<IEditController> = component.cast().unwrap();
    let handler = ComWrapper::new(Handler::default());
    let handler_ptr = handler.to_com_ptr::<IComponentHandler>().unwrap();
    assert_eq!(
        unsafe { controller.setComponentHandler(handler_ptr.as_ptr()) },
        kResultOk
    );
    let output = param_id(&controller, "Output");
    let input = param_id(&controller, "Input");
    let pan = param_id(&controller, "Pan");
    let width = param_id(&controller, "Width");

    let view = unsafe { ComPtr::<IPlugView>::from_raw(controller.createView(c"editor".as_ptr())) }
        .expect("the plugin has an editor");
    let frame = ComWrapper::new(Frame::default());
    let frame_ptr = frame.to_com_ptr::<IPlugFrame>().unwrap();
    assert_eq!(unsafe { view.setFrame(frame_ptr.as_ptr()) }, kResultOk);
    // Without the native editor (no helper process) the parent window is not used; any id will do.
    // SAFETY: this binary's only test, before anything else reads the environment.
    unsafe { std::env::set_var(webstrip::editor::HELPER_ENV, webstrip::editor::NO_HELPER) };
    let parent = 0x4a00_0001usize as *mut c_void;
    assert_eq!(
        unsafe { view.attached(parent, kPlatformTypeX11EmbedWindowID) },
        kResultOk
    );
    let bridge = OPENED
        .lock()
        .unwrap()
        .pop()
        .expect("the editor started a bridge");
    let a = bridge.connect(ClientOptions::new("test")).unwrap();
    let b = bridge.connect(ClientOptions::new("test")).unwrap();

    // A set from a transport's thread: one complete edit for the host, one notification each.
    // (On the host's main thread nice-plug would make the calls at once.)
    let applied = std::thread::scope(|s| {
        s.spawn(|| ok(&a, "setParameter", json!({ "id": "output", "value": -6.0 })))
            .join()
            .unwrap()
    });
    assert_eq!(applied["normalized"], 0.75);
    assert!(
        handler.take().is_empty(),
        "edits wait for the host's UI thread"
    );
    frame.run_loop();
    assert_eq!(
        handler.take(),
        [
            Edit::Begin(output),
            Edit::Perform(output, 0.75),
            Edit::End(output)
        ]
    );
    for client in [&a, &b] {
        let notes = notifications(client, Duration::from_millis(500));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "output", 1);
    }
    assert_eq!(unsafe { controller.getParamNormalized(output) }, 0.75);

    // A set from another thread (a transport's): the same, via nice-plug's main-thread task.
    thread::scope(|s| {
        s.spawn(|| ok(&b, "setParameter", json!({ "id": "width", "value": 150 })));
    });
    frame.run_loop();
    for client in [&a, &b] {
        let notes = notifications(client, Duration::from_secs(2));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "width", 2);
    }
    assert_eq!(
        handler.take(),
        [
            Edit::Begin(width),
            Edit::Perform(width, 0.75),
            Edit::End(width)
        ]
    );

    // Host automation through the controller: once per change.
    assert_eq!(
        unsafe { controller.setParamNormalized(input, 0.25) },
        kResultOk
    );
    assert_eq!(
        unsafe { controller.setParamNormalized(input, 0.25) },
        kResultOk
    );
    for client in [&a, &b] {
        let notes = notifications(client, Duration::from_millis(500));
        assert_eq!(notes.len(), 1, "{notes:?}");
        changed(&notes[0], "input", 3);
        assert_eq!(notes[0]["params"]["value"], -12.0);
    }
    assert!(
        handler.take().is_empty(),
        "the host's own change is not echoed to the host"
    );

    // A client's gesture ends when the client goes away.
    ok(&a, "beginGesture", json!({ "id": "pan" }));
    ok(&a, "setParameter", json!({ "id": "pan", "value": 50 }));
    drop(a);
    frame.run_loop();
    assert_eq!(
        handler.take(),
        [Edit::Begin(pan), Edit::Perform(pan, 0.75), Edit::End(pan)]
    );
    let notes = notifications(&b, Duration::from_millis(500));
    assert_eq!(notes.len(), 1, "{notes:?}");
    changed(&notes[0], "pan", 4);

    // The host names the channel (the track): every client hears it once, getInfo reports it.
    name_channel(&controller, "Lead Vocals");
    name_channel(&controller, "Lead Vocals");
    let notes = notifications(&b, Duration::from_millis(300));
    assert_eq!(
        notes,
        [
            json!({ "jsonrpc": "2.0", "method": "trackNameChanged", "params": { "trackName": "Lead Vocals" } })
        ]
    );
    assert_eq!(ok(&b, "getInfo", json!({}))["trackName"], "Lead Vocals");

    // Removing the view closes the editor, the bridge and its clients.
    assert_eq!(unsafe { view.removed() }, kResultOk);
    assert_eq!(b.next_timeout(Duration::from_millis(100)), Next::Closed);
    assert_eq!(unsafe { view.setFrame(std::ptr::null_mut()) }, kResultOk);
    drop(view);
    assert_eq!(unsafe { component.terminate() }, kResultOk);
}
